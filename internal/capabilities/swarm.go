package capabilities

import (
	"fmt"

	"github.com/clusterbench/clusterbench/scripts"
)

// swarmKind reads a Docker Swarm: its groups and load balancers, the settings its
// nodes' bootstrap is rendered with, and what that bootstrap sets up (scripts.SwarmFacts).
type swarmKind struct{ *stack }

const manager = "manager"

func (k swarmKind) applicationDefinition() Capability {
	details := []string{fmt.Sprintf("the swarm's API is on %s", plural(k.members(), "manager", "managers"))}
	if k.setting("CB_INSTALL", manager, worker) == "true" {
		details = append(details, "Docker Engine from the OS's docker.io package, installed at boot")
	}
	return capability(Deployed, "Compose files deployed with docker stack deploy: services, replicas, placement", details...)
}

func (k swarmKind) podScaling() Capability {
	return capability(None, "no service autoscaling: replicas change with docker service scale or a new docker stack deploy")
}

func (k swarmKind) nodeScaling() Capability { return k.groupScaling(swarmBootstrap) }

func (k swarmKind) applicationHA() Capability {
	label := scripts.SwarmFacts.ZoneLabel
	details := []string{"the bootstrap labels every node " + label + "=<its zone>"}
	if k.setting("CB_MANAGERS_RUN_WORKLOADS", manager) == "true" {
		details = append(details, "managers run services too (a busy manager can miss Raft heartbeats)")
	} else {
		details = append(details, "managers are drained: services run on the workers only")
	}
	details = append(details, "no disruption budget: draining a node moves all its tasks at once; update_config paces rolling updates")
	value := fmt.Sprintf("placement preferences spread=node.labels.%s over %s, and replicas", label, k.zonesText())
	if k.zoneCount() <= 1 {
		value = "workers in 1 zone: a spread over node.labels." + label + " cannot help; replicas only"
	}
	return capability(Deployed, value, details...)
}

func (k swarmKind) loadBalancing() Capability {
	details := append([]string{"inside an overlay each service has a virtual IP (or DNS round robin with endpoint_mode dnsrr)"}, k.loadBalancers()...)
	return capability(Deployed, "routing mesh: every node accepts a published port and forwards to a task (IPVS)", details...)
}

func (k swarmKind) serviceDiscovery() Capability {
	details := []string{"the first manager creates the encrypted, attachable overlay " + scripts.SwarmFacts.Overlay}
	if pool := k.setting("CB_ADDR_POOL", manager); pool != "" {
		details = append(details, "overlay subnets come from "+pool)
	}
	return capability(Deployed, "Docker's embedded DNS: a service name resolves to its virtual IP on the overlays it shares", details...)
}

func (k swarmKind) secretsAtRest() Capability {
	store := storeName(k.setting("CB_STORE", manager, worker))
	if k.setting("CB_AUTOLOCK", manager) == "true" {
		return capability(Deployed, "Raft log encrypted, with autolock: a restarted manager stays locked until unlocked",
			"the unlock key is kept in "+store+"; the bootstrap unlocks restarted managers with it",
			"Docker secrets live in the encrypted Raft log and reach only the services granted them",
			"duty: keep the unlock key safe and rotate it (docker swarm unlock-key --rotate) with the store")
	}
	return capability(Deployed, "Raft log encrypted, but autolock is off: the key that decrypts it sits on every manager's disk",
		"Docker secrets live in the Raft log: whoever copies a manager's disk reads them",
		"turn autolock on (docker swarm update --autolock=true) and keep the key outside the managers")
}

func (k swarmKind) networkPolicy() Capability {
	return capability(None, "no network policy: every task on an overlay network reaches every other task on it",
		"isolate with separate overlay networks; "+scripts.SwarmFacts.Overlay+" is encrypted (IPsec between nodes)")
}

func (k swarmKind) accessControl() Capability {
	details := []string{"whoever reaches a manager's Docker socket controls every service and secret"}
	switch {
	case k.swarmDeniesDocker():
		details = append(details, "a firewall rule denies the Docker API (TCP 2375–2376)")
	case len(k.inv.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) > 0 && !k.awsAdmits(2375):
		details = append(details, "no security-group rule admits the Docker API (TCP 2375–2376)")
	}
	return capability(None, fmt.Sprintf("no roles: each of the %s is root over the swarm; workers cannot manage it",
		plural(k.members(), "manager", "managers")), details...)
}

func (k swarmKind) upgrades() Capability {
	_, desired, _ := k.workerBounds()
	return capability(Yours, "Docker Engine node by node: drain, upgrade the package, reactivate; managers one at a time to keep the quorum",
		fmt.Sprintf("duty: %s and %s to roll for every engine release; Swarm has no upgrade orchestration or support calendar",
			plural(k.members(), "manager", "managers"), plural(desired, "worker", "workers")))
}
