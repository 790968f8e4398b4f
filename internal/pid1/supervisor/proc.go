package supervisor

import "github.com/dumb-init/dumb-init/internal/pid1/procfs"

// descendants returns the live processes below root (root excluded),
// following parent links in one scan of /proc. It is used only once the
// child has exited and the rest must be killed, never on the path that
// forwards signals while the child runs.
func descendants(root int) ([]int, bool) {
	type link struct {
		pid, ppid int
		dead      bool
	}
	var all []link
	if !procfs.Scan(func(p procfs.Stat) { all = append(all, link{p.Pid, p.PPid, p.Dead()}) }) {
		return nil, false
	}
	in := map[int]bool{root: true}
	// Parents are usually listed before their children, but not always
	// (pids wrap), so repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if !in[p.pid] && in[p.ppid] {
				in[p.pid] = true
				changed = true
			}
		}
	}
	var out []int
	for _, p := range all {
		if p.pid != root && in[p.pid] && !p.dead {
			out = append(out, p.pid)
		}
	}
	return out, true
}
