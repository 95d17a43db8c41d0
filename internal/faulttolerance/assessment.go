package faulttolerance

// SinglePointOfFailure is a resource whose loss takes the cluster (or its egress, or the
// way in) down.
type SinglePointOfFailure struct {
	Resource string `json:"resource"`
	Why      string `json:"why"`
}

// Assessment is what failures a cluster survives, computed from its inventory and spec.
type Assessment struct {
	ControlPlaneManagedBy         string `json:"controlPlaneManagedBy"` // "provider" | "you"
	ControlPlaneMembers           int    `json:"controlPlaneMembers"`
	ControlPlaneFailuresTolerated int    `json:"controlPlaneFailuresTolerated"`
	// ZoneLossSurvivable is ZoneLoss == "survives": losing any one zone costs its workers
	// and nothing more (a degraded or failed zone loss is not survived).
	ZoneLossSurvivable bool `json:"zoneLossSurvivable"`
	// ZoneLoss is the verdict on the worst zone's loss: ZoneLossSurvives, ZoneLossDegraded
	// or ZoneLossFails; ZoneLossEffects name each zone that is worse to lose, and why.
	ZoneLoss                    string                 `json:"zoneLoss"`
	ZoneLossEffects             []ZoneLossEffect       `json:"zoneLossEffects"`
	WorkerCapacityAfterZoneLoss float64                `json:"workerCapacityAfterZoneLoss"`
	SinglePointsOfFailure       []SinglePointOfFailure `json:"singlePointsOfFailure"`
	SLA                         *string                `json:"sla"`
	OperationalDuties           []string               `json:"operationalDuties"`
}
