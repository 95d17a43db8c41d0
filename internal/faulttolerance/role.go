package faulttolerance

import "github.com/clusterbench/clusterbench/internal/inventory"

// Role is the clusterbench role a resource carries (RoleControlPlane, RoleBastion,
// "worker"), or "" when it carries none. The architecture diagram reads roles the same
// way the assessment does.
func Role(r inventory.Resource) string { return role(r) }
