package account

import (
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

const passwd = `root:x:0:0:root:/root:/bin/bash
# a comment
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
app:x:1000:1000:App,,,:/home/app:/bin/sh
nohome:x:1001:1001:::/bin/sh
short:x:5
`

const group = `root:x:0:
adm:x:4:app,other
app:x:1000:
staff:x:50:other,app
audio:x:29:appx
`

func files(name string) (string, error) {
	switch name {
	case PasswdFile:
		return passwd, nil
	case GroupFile:
		return group, nil
	}
	return "", syscall.ENOENT
}

func TestResolve(t *testing.T) {
	cases := []struct {
		spec string
		want Credentials
	}{
		// A name: its uid, primary group, every group listing it, home.
		{"app", Credentials{Uid: 1000, Gid: 1000, Groups: []uint32{1000, 4, 50}, Home: "/home/app"}},
		// Its uid: the same entry.
		{"1000", Credentials{Uid: 1000, Gid: 1000, Groups: []uint32{1000, 4, 50}, Home: "/home/app"}},
		// A group given: that group alone.
		{"app:staff", Credentials{Uid: 1000, Gid: 50, Groups: []uint32{50}, Home: "/home/app"}},
		{"app:123", Credentials{Uid: 1000, Gid: 123, Groups: []uint32{123}, Home: "/home/app"}},
		// A uid without an entry: group 0 (as Docker's --user), home /.
		{"4242", Credentials{Uid: 4242, Gid: 0, Groups: []uint32{0}, Home: "/"}},
		{"4242:4242", Credentials{Uid: 4242, Gid: 4242, Groups: []uint32{4242}, Home: "/"}},
		{"nohome", Credentials{Uid: 1001, Gid: 1001, Groups: []uint32{1001}, Home: "/"}},
		{"root", Credentials{Uid: 0, Gid: 0, Groups: []uint32{0}, Home: "/root"}},
		{"4294967294", Credentials{Uid: 4294967294, Groups: []uint32{0}, Home: "/"}},
	}
	for _, c := range cases {
		got, err := Resolve(c.spec, files)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Resolve(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestResolveRefuses(t *testing.T) {
	cases := map[string]string{
		"":            "expected USER or USER:GROUP, each a name or a numeric id",
		":0":          "expected USER or USER:GROUP, each a name or a numeric id",
		"app:":        "expected USER or USER:GROUP, each a name or a numeric id",
		"app:a:b":     "expected USER or USER:GROUP, each a name or a numeric id",
		"bob":         "no user 'bob' in /etc/passwd",
		"short":       "no user 'short' in /etc/passwd",
		"app:wheel":   "no group 'wheel' in /etc/group",
		"4294967295":  "no user '4294967295' in /etc/passwd",
		"-1":          "no user '-1' in /etc/passwd",
		"99999999999": "no user '99999999999' in /etc/passwd",
	}
	for spec, want := range cases {
		if _, err := Resolve(spec, files); err == nil || err.Error() != want {
			t.Errorf("Resolve(%q): %v, want %q", spec, err, want)
		}
	}
	none := func(string) (string, error) { return "", syscall.ENOENT }
	if _, err := Resolve("app", none); err == nil || err.Error() != "no user 'app': /etc/passwd: No such file or directory" {
		t.Errorf("without /etc/passwd: %v", err)
	}
	if c, err := Resolve("7:8", none); err != nil || c.Uid != 7 || c.Gid != 8 {
		t.Errorf("numeric ids without files: %+v %v", c, err)
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "passwd")
	big := make([]byte, 10000)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	if err := os.WriteFile(p, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(p); err != nil || got != string(big) {
		t.Errorf("ReadFile: %d bytes, %v", len(got), err)
	}
	if _, err := ReadFile(p + ".missing"); err != syscall.ENOENT {
		t.Errorf("missing file: %v", err)
	}
}
