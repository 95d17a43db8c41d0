package doctor

import (
	"net/netip"
	"testing"

	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/stretchr/testify/assert"
)

func firewallInventory(rules ...map[string]any) *inventory.Inventory {
	inv := &inventory.Inventory{}
	for i, r := range rules {
		inv.Resources = append(inv.Resources, inventory.Resource{Type: "gcp:compute/firewall:Firewall", Name: string(rune('a' + i)), Inputs: r})
	}
	return inv
}

func allowTCP(priority float64, ports string, source ...any) map[string]any {
	return map[string]any{"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{ports}}}, "priority": priority, "sourceRanges": source}
}

func denyTCP(priority float64, ports string, source ...any) map[string]any {
	return map[string]any{"denies": []any{map[string]any{"protocol": "tcp", "ports": []any{ports}}}, "priority": priority, "sourceRanges": source}
}

// GCE's order: the lowest priority number wins, a deny wins a tie, and a deny blocks a
// source only where its ranges cover it.
func TestGCEFirewallEvaluation(t *testing.T) {
	worker := vm{ranges: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/18")}}
	target := vm{}
	cases := []struct {
		name  string
		rules []map[string]any
		src   vm
		want  bool
	}{
		{"an allow alone", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16")}, worker, true},
		{"no rule: the implied deny", nil, worker, false},
		{"a deny of higher priority", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16"), denyTCP(900, "2379-2381", "0.0.0.0/0")}, worker, false},
		{"a deny at the same priority wins", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16"), denyTCP(1000, "2379", "0.0.0.0/0")}, worker, false},
		{"a deny of lower priority loses", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16"), denyTCP(1001, "2379", "0.0.0.0/0")}, worker, true},
		{"a deny of other ports", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16"), denyTCP(900, "2380", "0.0.0.0/0")}, worker, true},
		{"a deny of part of the source", []map[string]any{allowTCP(1000, "2379", "10.0.0.0/16"), denyTCP(900, "2379", "10.0.0.0/20")}, worker, true},
		{"an allow of another range", []map[string]any{allowTCP(1000, "2379", "192.168.0.0/16")}, worker, false},
		{"anyone: a deny covering the allow's ranges", []map[string]any{allowTCP(1000, "2375", "10.0.0.0/18"), denyTCP(900, "2375", "10.0.0.0/16")}, vm{anyone: true}, false},
		{"anyone: a deny covering part of them", []map[string]any{allowTCP(1000, "2375", "10.0.0.0/8"), denyTCP(900, "2375", "10.0.0.0/16")}, vm{anyone: true}, true},
		{"no source set means everywhere", []map[string]any{{"allows": []any{map[string]any{"protocol": "tcp"}}}}, worker, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got := gceReaches(gceIngress(firewallInventory(tc.rules...)), tc.src, target, "tcp", map[bool]int{true: 2375, false: 2379}[tc.src.anyone])
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAtLeastAndCount(t *testing.T) {
	fs := []Finding{{Status: StatusPass}, {Status: StatusWarn}, {Status: StatusFail}, {Status: StatusSkip}, {Status: StatusFail}}
	assert.Equal(t, Counts{Pass: 1, Warn: 1, Fail: 2, Skip: 1}, Count(fs))
	warn, err := AtLeast(fs, "warn")
	assert.NoError(t, err)
	assert.Len(t, warn, 3)
	fail, err := AtLeast(fs, "fail")
	assert.NoError(t, err)
	assert.Len(t, fail, 2)
	all, err := AtLeast(fs, "")
	assert.NoError(t, err)
	assert.Len(t, all, 5)
	_, err = AtLeast(fs, "info")
	assert.Error(t, err)
}

func TestDecodeScript(t *testing.T) {
	assert.Equal(t, "#!/bin/sh\necho hi\n", decodeScript("#!/bin/sh\necho hi\n"), "plain text stays")
	assert.Equal(t, "#!/bin/sh\n", decodeScript("IyEvYmluL3NoCg=="), "base64")
	assert.Equal(t, []string{"swarm init --autolock"}, commands("# swarm init\nswarm init --autolock # keys stay locked\n  \n"))
}
