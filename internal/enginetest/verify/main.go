// Command verify checks the documents the engine rig wrote for each stack (run.sh --up):
// the preview creates exactly the resources the mock harness records (+ the stack), the
// preview and the export hold the same URNs, types and parents as the harness (the
// export its inputs too), no secret's value appears in plaintext in either document, no
// credential recognisable by its form (join tokens, private keys) does either, and stack
// outputs named like credentials are stored as ciphertext.
//
//	go run ./internal/enginetest/verify --dir DIR [--stacks stacks] STACK...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clusterbench/clusterbench/components/program"
	"github.com/clusterbench/clusterbench/internal/enginetest"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

func main() {
	dir := flag.String("dir", "", "directory of <stack>.preview.json, <stack>.export.json and <stack>.export-secrets.json (run.sh --up --out)")
	stacks := flag.String("stacks", "stacks", "directory of stack files")
	flag.Parse()
	if *dir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: verify --dir DIR [--stacks DIR] STACK...")
		os.Exit(2)
	}
	failed := false
	for _, stack := range flag.Args() {
		problems, summary := verify(*dir, filepath.Join(*stacks, "Pulumi."+stack+".yaml"), stack)
		for _, p := range problems {
			fmt.Printf("%s: FAIL: %s\n", stack, p)
		}
		if len(problems) > 0 {
			failed = true
			continue
		}
		fmt.Printf("%s: %s\n", stack, summary)
	}
	if failed {
		os.Exit(1)
	}
}

// verify checks one stack's documents; it returns its problems, or a summary of what held.
func verify(dir, stackFile, stack string) ([]string, string) {
	ev := evaluate.File(stackFile, program.SpecOptions())
	if ev.Outcome != evaluate.OK {
		return []string{fmt.Sprintf("the harness cannot evaluate %s: %v", stackFile, ev.Err)}, ""
	}
	read := func(kind string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, stack+"."+kind+".json"))
		if err != nil {
			return nil
		}
		return b
	}
	preview, export, plain := read("preview"), read("export"), read("export-secrets")
	if preview == nil || export == nil || plain == nil {
		return []string{"the rig wrote no preview, export or export-secrets document in " + dir}, ""
	}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	recorded := len(ev.Inventory.Resources)
	creates, err := enginetest.PreviewCreates(preview)
	if err != nil {
		fail("%v", err)
	} else if creates != recorded+1 {
		fail("the engine's preview creates %d resources, the harness records %d (+1 stack)", creates, recorded)
	}
	for _, d := range []struct {
		kind string
		body []byte
	}{{"preview", preview}, {"export", export}} {
		doc, err := inventory.ReadPulumiDocument(bytes.NewReader(d.body))
		if err != nil {
			fail("%s: %v", d.kind, err)
			continue
		}
		differ := enginetest.SameResources(ev.Inventory, doc.Inventory)
		if d.kind == "export" { // every value is known after `up`
			differ = append(differ, enginetest.SameInputs(ev.Inventory, doc.Inventory)...)
		}
		for _, p := range differ {
			fail("%s: %s", d.kind, p)
		}
	}

	secrets, err := enginetest.SecretValues(plain)
	if err != nil {
		fail("export-secrets: %v", err)
	}
	if leaks := enginetest.Leaks(secrets, preview); len(leaks) > 0 {
		fail("preview: secret values in plaintext, at %s in the decrypted export", enginetest.Summary(leaks))
	}
	if leaks := enginetest.Leaks(secrets, export); len(leaks) > 0 {
		fail("export: secret values in plaintext, at %s in the decrypted export", enginetest.Summary(leaks))
	}
	if found := enginetest.PlaintextCredentials(preview); len(found) > 0 {
		fail("preview: in plaintext: %s", enginetest.Summary(found))
	}
	if found := enginetest.PlaintextCredentials(export); len(found) > 0 {
		fail("export: in plaintext: %s", enginetest.Summary(found))
	}
	unencrypted, encrypted, err := enginetest.UnencryptedOutputs(export)
	if err != nil {
		fail("export: %v", err)
	}
	if len(unencrypted) > 0 {
		fail("export: stack outputs that look like credentials are not secrets: %s", enginetest.Summary(unencrypted))
	}
	return problems, fmt.Sprintf("preview creates %d = %d recorded + stack; preview and export hold the harness's URNs, types and parents, the export its inputs; %d secret values, none in plaintext, nor any credential found by its form (stack outputs stored as ciphertext: %s)",
		creates, recorded, len(secrets), enginetest.Summary(encrypted))
}
