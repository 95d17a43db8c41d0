package monitoring

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clusterbench/clusterbench/components/spec"
	"gopkg.in/yaml.v3"
)

// EventsExporterManifests are the events exporter's objects (kubernetes/events-exporter.yaml)
// before EventsExporterObjects fills in its configuration and requests.
//
//go:embed kubernetes/events-exporter.yaml
var EventsExporterManifests string

// ManagedByLabel marks every object clusterbench applies itself (not through a chart): the
// self-managed bootstrap deletes by it when monitoring or the demo is switched off.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// Object is one Kubernetes object as decoded from YAML.
type Object = map[string]any

// decodeObjects reads a multi-document YAML file; empty documents are skipped.
func decodeObjects(file, text string) ([]Object, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var objs []Object
	for {
		var o Object
		if err := dec.Decode(&o); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if o != nil {
			objs = append(objs, o)
		}
	}
	return objs, nil
}

// field walks nested maps (o["spec"]["template"]...), failing with the path when a level
// is missing: the embedded files are the program's, so a miss is a broken build.
func field(o Object, path ...string) (Object, error) {
	cur := o
	for i, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s %s: no map at %s", kindName(o), name(o), strings.Join(path[:i+1], "."))
		}
		cur = next
	}
	return cur, nil
}

func kindName(o Object) string { s, _ := o["kind"].(string); return s }

func name(o Object) string {
	if m, ok := o["metadata"].(map[string]any); ok {
		s, _ := m["name"].(string)
		return s
	}
	return ""
}

// DemoObjects decodes the demo's manifests (kubernetes/demo.yaml), the Namespace first,
// and sets how the web tier is reached. Managed clusters (EKS, GKE) keep its LoadBalancer
// Service and admit adminCidrs only (loadBalancerSourceRanges). Self-managed clusters run
// no cloud controller manager, so nothing would ever provision a LoadBalancer Service's
// load balancer and it would stay pending: there the web tier is a NodePort Service,
// reached on any node's port inside the network.
func DemoObjects(s *spec.Spec) ([]Object, error) {
	const file = "kubernetes/demo.yaml"
	objs, err := decodeObjects(file, DemoManifests)
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 || kindName(objs[0]) != "Namespace" {
		return nil, fmt.Errorf("%s: the Namespace must come first", file)
	}
	found := false
	for _, o := range objs {
		if kindName(o) != "Service" || name(o) != "web" {
			continue
		}
		svc, err := field(o, "spec")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		found = true
		if s.Orchestrator == spec.SelfManaged {
			svc["type"] = "NodePort"
			delete(svc, "loadBalancerSourceRanges")
			continue
		}
		ranges := make([]any, len(s.AdminCidrs))
		for i, c := range s.AdminCidrs {
			ranges[i] = c
		}
		svc["type"] = "LoadBalancer"
		svc["loadBalancerSourceRanges"] = ranges
	}
	if !found {
		return nil, fmt.Errorf("%s: no Service web", file)
	}
	return objs, nil
}

// EventsExporterObjects are the events exporter's objects (kubernetes/events-exporter.yaml)
// with its configuration (EventsExporterConfig) in the ConfigMap and its requests (the
// events-exporter workload of PrometheusWorkloads) on its container.
func EventsExporterObjects(orchestrator string) ([]Object, error) {
	const file = "kubernetes/events-exporter.yaml"
	objs, err := decodeObjects(file, EventsExporterManifests)
	if err != nil {
		return nil, err
	}
	w, ok := WorkloadNamed(orchestrator, "events-exporter")
	if !ok {
		return nil, fmt.Errorf("%s: no events-exporter workload on %s", file, orchestrator)
	}
	var config, deployment bool
	for _, o := range objs {
		switch kindName(o) {
		case "ConfigMap":
			o["data"] = map[string]any{"config.alloy": EventsExporterConfig()}
			config = true
		case "Deployment":
			pod, err := field(o, "spec", "template", "spec")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			containers, _ := pod["containers"].([]any)
			if len(containers) != 1 {
				return nil, fmt.Errorf("%s: Deployment %s: want one container", file, name(o))
			}
			c, ok := containers[0].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: Deployment %s: a container is not a map", file, name(o))
			}
			c["resources"] = map[string]any{"requests": map[string]any{"cpu": w.Requests.CPU(), "memory": w.Requests.Memory()}}
			deployment = true
		}
	}
	if !config || !deployment {
		return nil, fmt.Errorf("%s: want a ConfigMap and a Deployment", file)
	}
	return objs, nil
}

// YAMLDocuments renders objects as one multi-document YAML stream (keys sorted, so the
// rendering is deterministic), as `kubectl apply -f -` reads it.
func YAMLDocuments(objs []Object) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, o := range objs {
		if err := enc.Encode(o); err != nil {
			return "", err
		}
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}
