package selfmanaged

import (
	"strconv"

	"github.com/clusterbench/clusterbench/scripts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// UserData renders the one bootstrap script (scripts.KubernetesBootstrap) with the
// settings known now and those that come from resources: the API endpoint (the load
// balancer's name or address, with the API port), the snapshot bucket, the store path
// (CB_STORE_PATH: it names the network, so a stack created again starts from an empty
// store) and, for a member, its etcd volumes. The ApplyT only renders text; it never
// creates a resource. Nothing secret goes in: join material stays in the store, which
// the node's identity reads.
func UserData(base Settings, endpointHost, bucket, storePath pulumi.StringInput, volumes map[string]pulumi.StringOutput) pulumi.StringOutput {
	names := SortedKeys(volumes)
	inputs := []any{endpointHost, bucket, storePath}
	for _, v := range names {
		inputs = append(inputs, volumes[v])
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		settings := base.With(
			"CB_API_ENDPOINT", v[0].(string)+":"+strconv.Itoa(APIPort),
			"CB_SNAPSHOT_BUCKET", v[1].(string),
			"CB_STORE_PATH", v[2].(string),
		)
		if len(names) > 0 {
			ids := map[string]string{}
			for i, name := range names {
				ids[name] = v[3+i].(string)
			}
			settings["CB_ETCD_VOLUMES"] = EtcdVolumeSetting(ids)
		}
		return scripts.Render(scripts.KubernetesBootstrap, settings)
	}).(pulumi.StringOutput)
}
