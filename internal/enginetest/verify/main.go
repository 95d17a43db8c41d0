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
	docs := map[string][]byte{}
	for _, kind := range []string{"preview", "export", "export-secrets"} {
		b, err := os.ReadFile(filepath.Join(dir, stack+"."+kind+".json"))
		if err != nil {
			return []string{"the rig wrote no " + kind + " document: " + err.Error()}, ""
		}
		docs[kind] = b
	}
	problems, creates := checkResources(ev.Inventory, docs)
	secretProblems, secrets, encrypted := checkSecrets(docs)
	problems = append(problems, secretProblems...)
	return problems, fmt.Sprintf("preview creates %d = %d recorded + stack; preview and export hold the harness's URNs, types and parents, the export its inputs; "+
		"%d secret values, none in plaintext, nor any credential found by its form (stack outputs stored as ciphertext: %s)",
		creates, len(ev.Inventory.Resources), secrets, enginetest.Summary(encrypted))
}

// checkResources compares the preview and the export with the harness's inventory.
func checkResources(harness *inventory.Inventory, docs map[string][]byte) (problems []string, creates int) {
	creates, err := enginetest.PreviewCreates(docs["preview"])
	if err != nil {
		problems = append(problems, err.Error())
	} else if recorded := len(harness.Resources); creates != recorded+1 {
		problems = append(problems, fmt.Sprintf("the engine's preview creates %d resources, the harness records %d (+1 stack)", creates, recorded))
	}
	for _, kind := range []string{"preview", "export"} {
		doc, err := inventory.ReadPulumiDocument(bytes.NewReader(docs[kind]))
		if err != nil {
			problems = append(problems, kind+": "+err.Error())
			continue
		}
		differ := enginetest.SameResources(harness, doc.Inventory)
		providers, err := enginetest.SameProviders(harness, docs[kind])
		if err != nil {
			differ = append(differ, err.Error())
		}
		differ = append(differ, providers...)
		if kind == "export" { // every value is known after `up`
			differ = append(differ, enginetest.SameInputs(harness, doc.Inventory)...)
		}
		for _, p := range differ {
			problems = append(problems, kind+": "+p)
		}
	}
	return problems, creates
}

// checkSecrets looks for every secret's value, and for credentials by their form, in the
// preview and the export, and checks that credential-named stack outputs are ciphertext.
func checkSecrets(docs map[string][]byte) (problems []string, secrets int, encrypted []string) {
	values, err := enginetest.SecretValues(docs["export-secrets"])
	if err != nil {
		problems = append(problems, "export-secrets: "+err.Error())
	}
	for _, kind := range []string{"preview", "export"} {
		if leaks := enginetest.Leaks(values, docs[kind]); len(leaks) > 0 {
			problems = append(problems, kind+": secret values in plaintext, at "+enginetest.Summary(leaks)+" in the decrypted export")
		}
		if found := enginetest.PlaintextCredentials(docs[kind]); len(found) > 0 {
			problems = append(problems, kind+": in plaintext: "+enginetest.Summary(found))
		}
	}
	unencrypted, encrypted, err := enginetest.UnencryptedOutputs(docs["export"])
	if err != nil {
		problems = append(problems, "export: "+err.Error())
	}
	if len(unencrypted) > 0 {
		problems = append(problems, "export: stack outputs that look like credentials are not secrets: "+enginetest.Summary(unencrypted))
	}
	return problems, len(values), encrypted
}
