package harness

import (
	"github.com/clusterbench/clusterbench/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// plainMap turns recorded inputs into plain JSON-like values: secrets become
// inventory.SecretPlaceholder, unknowns nil, resource references their URN.
func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plain(v)
	}
	return out
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return inventory.SecretPlaceholder
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return inventory.SecretPlaceholder
		}
		if !o.Known {
			return nil
		}
		return plain(o.Element)
	case v.IsComputed(), v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return nil
}
