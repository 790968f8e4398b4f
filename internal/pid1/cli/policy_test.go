package cli

import (
	"testing"

	"github.com/dumb-init/dumb-init/internal/pid1/envlist"
	"github.com/dumb-init/dumb-init/internal/pid1/options"
	"github.com/dumb-init/dumb-init/internal/pid1/supervisor"
)

// Each mode's whole policy, from real command lines and environments: a
// change to what a mode means shows up here as one line.
func TestPolicyOfEachMode(t *testing.T) {
	setsid := supervisor.Policy{NewSession: true, SignalGroup: true, StopSelfOnJobControl: true, ClosingTerm: true}
	single := supervisor.Policy{StopSelfOnJobControl: true, ClosingTermLineOnly: true}
	tini := supervisor.Policy{NewProcessGroup: true, ForegroundChild: true, DropTerminalIOStops: true, ShellExecStatuses: true, WarnNotReaper: true}
	with := func(p supervisor.Policy, edit func(*supervisor.Policy)) supervisor.Policy { edit(&p); return p }
	cases := []struct {
		argv []string
		env  []string
		want supervisor.Policy
	}{
		{[]string{"dumb-init", "x"}, nil, setsid},
		{[]string{"dumb-init", "-c", "x"}, nil, single},
		{[]string{"dumb-init", "x"}, []string{"DUMB_INIT_SETSID=0"}, single},
		{[]string{"dumb-init", "--wait-all", "x"}, nil, with(setsid, func(p *supervisor.Policy) { p.ClosingTerm, p.Subreaper = false, true })},
		{[]string{"dumb-init", "-c", "--wait-all", "x"}, nil, with(single, func(p *supervisor.Policy) { p.ClosingTermLineOnly, p.Subreaper = false, true })},
		{[]string{"dumb-init", "--grace", "1s", "x"}, nil, with(setsid, func(p *supervisor.Policy) { p.Subreaper = true })},
		{[]string{"dumb-init", "--grace", "1s", "--no-subreaper", "x"}, nil, setsid},
		{[]string{"dumb-init", "--subreaper", "x"}, nil, with(setsid, func(p *supervisor.Policy) { p.Subreaper = true })},
		{[]string{"dumb-init", "--pause"}, nil, with(setsid, func(p *supervisor.Policy) { p.Subreaper = true })},
		{[]string{"tini", "--", "x"}, nil, tini},
		{[]string{"docker-init", "-g", "-w", "-s", "--", "x"}, nil, with(tini, func(p *supervisor.Policy) { p.SignalGroup, p.WarnReaped, p.Subreaper = true, true, true })},
		{[]string{"tini", "-w", "--", "x"}, []string{"TINI_VERBOSITY=0"}, with(tini, func(p *supervisor.Policy) { p.WarnNotReaper = false })},
		{[]string{"tini", "--", "x"}, []string{"TINI_KILL_PROCESS_GROUP=1"}, with(tini, func(p *supervisor.Policy) { p.SignalGroup = true })},
		{[]string{"dumb-init", "--tini", "x"}, []string{"DUMB_INIT_SETSID=0"}, tini},
	}
	for _, c := range cases {
		o, err := options.Parse(c.argv, func(name string) (string, bool) { return envlist.Lookup(c.env, name) })
		if err != nil {
			t.Errorf("%q: %v", c.argv, err)
			continue
		}
		if got := policyOf(&o); got != c.want {
			t.Errorf("%q %q:\n got %+v\nwant %+v", c.argv, c.env, got, c.want)
		}
	}
}
