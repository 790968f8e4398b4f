//go:build containers

package containertest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/pid1/options"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// Every file name, path and option the examples use exists: the release
// files they COPY (with the version in VERSION), the path the route installs
// dumb-init at, and a command line dumb-init accepts. Needs no Docker.
func TestExamplesMatchReleaseAndCLI(t *testing.T) {
	amd64, ok := release.Find("amd64")
	if !ok {
		t.Fatal("no amd64 target")
	}
	released := []string{amd64.BinaryName(), amd64.DebName(), amd64.WheelName()}
	// Where each route puts the binary.
	installed := map[string]string{"debian": "/usr/bin/dumb-init", "python": "dumb-init"}
	dockerfiles, _ := filepath.Glob(filepath.Join(testbin.Root(), "examples", "*", "Dockerfile"))
	if len(dockerfiles) < 5 {
		t.Fatalf("expected the debian, alpine, scratch, python and podman examples, found %v", dockerfiles)
	}
	argRE := regexp.MustCompile(`(?m)^ARG DUMB_INIT_VERSION=(\S+)$`)
	for _, path := range dockerfiles {
		example := filepath.Base(filepath.Dir(path))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if m := argRE.FindStringSubmatch(text); m != nil {
			if m[1] != release.Version() {
				t.Errorf("%s: DUMB_INIT_VERSION=%s, but VERSION is %s", example, m[1], release.Version())
			}
			text = strings.ReplaceAll(text, "${DUMB_INIT_VERSION}", m[1])
		}
		var entrypoint, cmd []string
		copied := map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			switch f[0] {
			case "COPY":
				src, dst := f[1], f[len(f)-1]
				if !strings.Contains(src, "dumb-init") && !strings.Contains(src, "dumb_init") {
					continue
				}
				matched := false
				for _, r := range released {
					if ok, _ := filepath.Match(src, r); ok {
						matched = true
					}
				}
				if !matched {
					t.Errorf("%s: COPY %s matches no release file (%v)", example, src, released)
				}
				if !strings.HasSuffix(dst, "/") {
					copied[dst] = src
				}
			case "ENTRYPOINT", "CMD":
				var arr []string
				if err := json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(line, f[0]))), &arr); err != nil {
					t.Errorf("%s: %s is not in exec (JSON) form: %v", example, f[0], err)
				}
				if f[0] == "ENTRYPOINT" {
					entrypoint = arr
				} else {
					cmd = arr
				}
			}
		}
		if len(entrypoint) == 0 {
			t.Errorf("%s: no ENTRYPOINT", example)
			continue
		}
		want, ok := installed[example]
		if !ok {
			want = entrypoint[0]
			if _, isCopied := copied[want]; !isCopied {
				t.Errorf("%s: ENTRYPOINT runs %s, which the Dockerfile does not install", example, want)
			}
		}
		if entrypoint[0] != want {
			t.Errorf("%s: ENTRYPOINT runs %s; the %s route installs %s", example, entrypoint[0], example, want)
		}
		checkCommandLine(t, example, append(entrypoint, cmd...), nil)
	}

	pod, err := os.ReadFile(filepath.Join(testbin.Root(), "examples", "kubernetes", "pod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var command, args []string
	var env []string
	lines := strings.Split(string(pod), "\n")
	for i, line := range lines {
		l := strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(l, "command:"); ok {
			json.Unmarshal([]byte(v), &command)
		}
		if v, ok := strings.CutPrefix(l, "args:"); ok {
			json.Unmarshal([]byte(v), &args)
		}
		if v, ok := strings.CutPrefix(l, "- name: DUMB_INIT_"); ok && i+1 < len(lines) {
			val := strings.Trim(strings.TrimPrefix(strings.TrimSpace(lines[i+1]), "value:"), ` "`)
			env = append(env, "DUMB_INIT_"+v+"="+val)
		}
	}
	if len(command) == 0 || command[0] != installed["debian"] {
		t.Errorf("pod.yaml: command %q should start with %s", command, installed["debian"])
	}
	o := checkCommandLine(t, "pod.yaml", append(command, args...), env)
	if o.Grace == 0 || o.Delay[15] == 0 {
		t.Errorf("pod.yaml should show --grace and --delay TERM:...: %+v", o)
	}
	if len(env) == 0 || o.Remap.Apply(143) != 0 {
		t.Errorf("pod.yaml's DUMB_INIT_REMAP_EXIT did not apply: %v", env)
	}
}

// checkCommandLine parses argv (starting with dumb-init's path) as the
// binary would and fails unless it runs a command (or is --pause, a pod's
// infra process).
func checkCommandLine(t *testing.T, where string, argv []string, env []string) options.Options {
	t.Helper()
	getenv := func(name string) (string, bool) {
		for _, kv := range env {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name {
				return v, true
			}
		}
		return "", false
	}
	o, err := options.Parse(argv, getenv)
	if err != nil {
		t.Errorf("%s: dumb-init refuses %q: %v", where, argv, err)
	} else if o.Action != options.Run || (len(o.Command) == 0 && !o.Pause) {
		t.Errorf("%s: %q runs no command", where, argv)
	}
	return o
}
