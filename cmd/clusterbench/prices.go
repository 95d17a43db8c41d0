package main

import (
	"fmt"
	"io"
	"os"

	"github.com/clusterbench/clusterbench/internal/priceimport"
)

// runPrices is `clusterbench prices import`: the vendors' price files → a --prices file.
func runPrices(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] != "import" {
		return exitBadInput, badInput("want `prices import --region R --aws FILE... | --gcp FILE... [--out PATH]`")
	}
	fs := newFlags("prices import", stderr)
	region := fs.String("region", "", "the region to price (required), e.g. eu-central-1 or europe-west3")
	var awsFiles, gcpFiles stringList
	fs.Var(&awsFiles, "aws", "an AWS Price List bulk offer file (JSON) for the region (repeatable)")
	fs.Var(&gcpFiles, "gcp", "a Cloud Billing Catalog SKU listing (JSON) (repeatable)")
	out := fs.String("out", "", "write the --prices file here instead of stdout")
	if err := parseFlags(fs, args[1:]); err != nil {
		return exitBadInput, err
	}
	if *region == "" {
		return exitBadInput, badInput("--region is required")
	}
	if (len(awsFiles) == 0) == (len(gcpFiles) == 0) {
		return exitBadInput, badInput("give the files of one cloud: --aws FILE... or --gcp FILE...")
	}
	paths, importer := []string(awsFiles), priceimport.ImportAWS
	if len(gcpFiles) > 0 {
		paths, importer = gcpFiles, priceimport.ImportGCP
	}
	var files []priceimport.NamedReader
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return exitBadInput, badInput("%v", err)
		}
		defer f.Close()
		files = append(files, priceimport.NamedReader{Name: p, R: f})
	}
	res, err := importer(*region, files)
	if err != nil {
		return exitBadInput, badInput("%v", err)
	}
	for _, m := range res.Missing {
		fmt.Fprintf(stderr, "clusterbench prices import: %s not priced: %s\n", m.Key, m.Reason)
	}
	if len(res.Prices) == 0 {
		return exitFindings, fmt.Errorf("nothing in the files prices region %s; no file written", *region)
	}
	if err := writeReport(*out, stdout, func(w io.Writer) error {
		return res.WriteYAML(w, "clusterbench prices import")
	}); err != nil {
		return exitWriteFailed, err
	}
	fmt.Fprintf(stderr, "clusterbench prices import: %d prices for %s, %d items not priced\n", len(res.Prices), *region, len(res.Missing))
	if len(res.Missing) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}
