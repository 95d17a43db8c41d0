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
	base := c.Version
	if err := c.merge(data, name); err != nil {
		return err
	}
	if c.Version == base {
		c.Version = fmt.Sprintf("%s+%s", base, filepath.Base(name))
	}
	return nil
}
