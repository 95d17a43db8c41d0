package capabilities

import "fmt"

// kubernetesManifests is the application-definition cell of every Kubernetes cluster.
func kubernetesManifests(status, who, version string) Capability {
	v := "Kubernetes"
	if version != "" {
		v += " " + version
	}
	return capability(status, v+" manifests: Deployments, StatefulSets and Services, applied with kubectl or Helm",
		who)
}

// kubernetesSpread is the application-availability cell of every Kubernetes cluster:
// spreading over the zone label and PodDisruptionBudgets.
func kubernetesSpread(status string, zones int, details []string) Capability {
	value := fmt.Sprintf("topology spread constraints over topology.kubernetes.io/zone (workers in %s) and PodDisruptionBudgets for drains",
		plural(zones, "zone", "zones"))
	if zones <= 1 {
		value = "workers in 1 zone: spreading over zones cannot help; PodDisruptionBudgets still guard drains"
	}
	return capability(status, value, details...)
}
