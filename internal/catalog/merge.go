package catalog

import (
	"fmt"
	"os"
	"path/filepath"
)

// MergeFile lays a --prices file over the catalog: its entries replace embedded entries
// with the same key, its calendar rows replace rows of the same version, its free types
// are added, and everything else stays. The catalog's version records the file
// ("2026.11.26+myprices.yaml"); a date in the file replaces the catalog's date.
func (c *Catalog) MergeFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return c.Merge(data, path)
}

// Merge is MergeFile on a document already read; name identifies it in errors.
func (c *Catalog) Merge(data []byte, name string) error {
	// The version always names the embedded catalog and what was laid over it.
	base := c.Version
	if err := c.merge(data, name); err != nil {
		return err
	}
	over := filepath.Base(name)
	if c.Version != base {
		over = c.Version
	}
	c.Version = fmt.Sprintf("%s+%s", base, over)
	return nil
}
