#!/usr/bin/env bash
# clusterbench Kubernetes node bootstrap: one script for every role of a self-managed
# (kops-style) cluster built with kubeadm. The Pulumi components render it into user data
# (EC2) or a startup script (GCE) with scripts.Render, which exports the settings below
# right after the #! line; the local tests run the same file with a `dir` store.
#
# Usage: bootstrap.sh [bootstrap|refresh-join|snapshot|elect]
#   bootstrap     (default) prepare the host and init or join the cluster
#   refresh-join  (control plane) write fresh join material to the store; run hourly by
#                 clusterbench-refresh-join.timer on every control-plane member, or by hand
#   snapshot      (control plane) save an etcd snapshot to CB_SNAPSHOT_BUCKET; run every
#                 6 hours by clusterbench-etcd-snapshot.timer
#   elect         the init election alone: prints "init" (this member won the lock, or
#                 holds it and the cluster never became ready) or "join"
#   addons        (control plane) monitoring and the demo as CB_MONITORING and CB_DEMO ask:
#                 run by the member that holds the init lock at the end of its bootstrap
#                 and every 10 minutes by clusterbench-addons.timer (a no-op on the others
#                 and when nothing changed)
#
# Settings (environment):
#   CB_ROLE                control-plane | worker
#   CB_CLUSTER_NAME        cluster name (kubeadm clusterName; snapshot object prefix)
#   CB_MEMBER_NAME         control plane: this member's stable name (kops-aws-cp-0). It is
#                          the node name and the etcd member name, so a replacement
#                          instance finds its previous incarnation by it
#   CB_CONTROL_PLANE_MEMBERS  control plane: every member's name, comma-separated (where
#                          to look up the other members' etcd endpoints in the store)
#   CB_ZONE                node label topology.kubernetes.io/zone
#   CB_API_ENDPOINT        API load balancer host:port (kubeadm controlPlaneEndpoint)
#   CB_KUBERNETES_VERSION  minor version, 1.35: packages from pkgs.k8s.io's v1.35 repository;
#                          the cluster runs the installed kubeadm's exact version
#   CB_POD_CIDR            (192.168.0.0/16, Calico's default pool)
#   CB_SERVICE_CIDR        (10.96.0.0/12)
#   CB_STORE               ssm | gcp-secret | dir: where join material is shared
#   CB_STORE_PATH          ssm: parameter prefix (/clusterbench/<stack>/k8s/<vpc id>);
#                          gcp-secret: secret-name prefix (<stack>-k8s-<network suffix>):
#                          named after the network, so a re-created stack starts clean;
#                          dir: a directory
#   CB_REGION              aws: region of the store, volumes and bucket
#   CB_PROJECT             gcp: project of the secrets
#   CB_CLOUD               aws | gcp | local
#   CB_ETCD_VOLUMES        control plane: name=volume pairs, comma-separated. Only `main`
#                          is used: kubeadm runs one stacked etcd cluster per member, so
#                          kops's separate etcd-events cluster has no counterpart here (a
#                          second cluster would need its own static pod, PKI and
#                          --etcd-servers-overrides); other names are logged and ignored.
#                          aws: main=vol-0123 (attached by this script);
#                          gcp: main=DEVICE_NAME (attached by the instance group, found at
#                          /dev/disk/by-id/google-DEVICE_NAME); local: main=/a/directory;
#                          empty: /var/lib/etcd on the root disk
#   CB_SNAPSHOT_BUCKET     control plane: s3 (aws) or gcs (gcp) bucket for etcd snapshots
#   CB_INSTALL             true | false (true): install packages and configure the kernel;
#                          false where the binaries are already present (local tests)
#   CB_DRY_RUN             true: only render the configuration files into CB_OUT (no
#                          store, no cloud, no kubeadm run); join material is placeholder
#   CB_OUT                 dry run: output directory
#   CB_NODE_IP             (from the cloud's metadata; local: first address of hostname -I)
#   CB_CNI                 calico | none (calico): the pod network the init member applies.
#                          none: no CNI (bring your own; nodes stay NotReady until one runs)
#   CB_CALICO_VERSION      (v3.31.7) and CB_CALICO_SHA256, the SHA-256 of that release's
#                          manifests/calico.yaml (pinned with the default version; a
#                          different version needs its own): a manifest that does not
#                          match is never applied
#   CB_JOIN_WAIT_SECONDS   (1800) how long a joiner waits for join material
#   CB_MONITORING          control plane: none | prometheus | datadog (none)
#   CB_DEMO                control plane: true | false (false)
#   CB_MONITORING_CHART    "<repository URL> <chart> <version>": the pinned chart Helm installs
#   CB_MONITORING_RELEASE  its Helm release name (namespace monitoring)
#   CB_MONITORING_VALUES   its values, JSON (rendered by components/monitoring; never a key:
#                          datadog reads its key from the Secret this script creates)
#   CB_MONITORING_MANIFESTS  more objects to apply with it (YAML; prometheus: the events
#                          exporter), each labelled app.kubernetes.io/managed-by=clusterbench
#   CB_DEMO_MANIFESTS      the demo's objects (YAML, its Namespace "demo" first)
#   CB_HELM_VERSION, CB_HELM_SHA256  the Helm CLI (linux-amd64 tarball from get.helm.sh,
#                          checked against the SHA-256); CB_INSTALL=false: helm on PATH
#
# Store keys (under CB_STORE_PATH: ssm "<path>/<key>", gcp-secret "<prefix>-<key>",
# dir "<dir>/<key>"; every value secret: SSM SecureString, Secret Manager version, 0600):
#   lock                   name of the member that won the init election. Created once,
#                          conditionally (ssm put-parameter without --overwrite; gcp
#                          secrets create; dir link(2)), never overwritten
#   ca-cert-hash           "sha256:<hash of the cluster CA's public key>" (kubeadm
#                          --discovery-token-ca-cert-hash): written by the init member
#   join-token             a kubeadm bootstrap token: written by the init member after
#                          init, last (its presence means the cluster is ready for
#                          joiners), and refreshed hourly by every control-plane member
#   certificate-key        key of the kubeadm-certs Secret (control-plane join): generated
#                          once by the init member
#   encryption-key         base64 32-byte key for secrets at rest: generated once by the
#                          init member, read by every control-plane member
#   etcd-<member>          that member's etcd client URL, written by the member itself
#   admin-kubeconfig       /etc/kubernetes/admin.conf of the init member (the stacks'
#                          kubeconfigCommand output reads it; ssm: Intelligent-Tiering,
#                          since it is over the Standard tier's 4 KB)
#   datadog-api-key        CB_MONITORING=datadog: the Datadog API key, written by Pulumi (a
#                          secret), read by control-plane members only; the lock holder
#                          pipes it into the Secret monitoring/datadog-api-key (never argv,
#                          logs or files)
# What each role needs:
#   control plane  create+read lock; read+write join-token, ca-cert-hash,
#                  certificate-key, encryption-key, etcd-*; aws: ec2:DescribeVolumes, ec2:AttachVolume on
#                  this cluster's etcd volumes; s3:PutObject on the snapshot bucket
#   worker         read join-token and ca-cert-hash only (the worker join material)
#
# Assumptions about the components: the API load balancer reaches members that boot
# behind it (AWS: target group with preserve_client_ip.enabled=false, so a member's own
# calls through the NLB during kubeadm init/join are not dropped as hairpin traffic);
# control-plane members reach each other on 2379/2380 (stale-member removal).
#
# Bootstrap tokens expire: the init token lives 24 h and every control-plane member
# replaces join-token hourly with a 6 h token and re-uploads the control-plane
# certificates (kubeadm-certs lives 2 h) with the stored certificate key, so a node that
# joins at any time finds valid material. Join material never appears in the command
# line of a long-lived process, nor in logs.
set -euo pipefail

# ---- settings ----------------------------------------------------------------------------
: "${CB_ROLE:=}" "${CB_CLUSTER_NAME:=}" "${CB_MEMBER_NAME:=}" "${CB_CONTROL_PLANE_MEMBERS:=}"
: "${CB_ZONE:=}" "${CB_API_ENDPOINT:=}" "${CB_KUBERNETES_VERSION:=}"
: "${CB_POD_CIDR:=192.168.0.0/16}" "${CB_SERVICE_CIDR:=10.96.0.0/12}"
: "${CB_STORE:=}" "${CB_STORE_PATH:=}" "${CB_REGION:=}" "${CB_PROJECT:=}"
: "${CB_CLOUD:=}" "${CB_ETCD_VOLUMES:=}" "${CB_SNAPSHOT_BUCKET:=}"
: "${CB_INSTALL:=true}" "${CB_DRY_RUN:=false}" "${CB_OUT:=}" "${CB_NODE_IP:=}"
: "${CB_CNI:=calico}" "${CB_JOIN_WAIT_SECONDS:=1800}"
# Calico v3.31.7 (2026-08-20): the SHA-256 of manifests/calico.yaml at the release tag.
if [[ -z ${CB_CALICO_VERSION:-} ]]; then
  CB_CALICO_VERSION=v3.31.7
  : "${CB_CALICO_SHA256:=d6d8a489a4ed8e5b8efd8b339047b496ca657b55ee2e3618e791507b0a853e8d}"
fi
: "${CB_CALICO_SHA256:=}"
: "${CB_MONITORING:=none}" "${CB_DEMO:=false}" "${CB_MONITORING_CHART:=}" "${CB_MONITORING_RELEASE:=}"
: "${CB_MONITORING_VALUES:=}" "${CB_MONITORING_MANIFESTS:=}" "${CB_DEMO_MANIFESTS:=}"
: "${CB_HELM_VERSION:=}" "${CB_HELM_SHA256:=}"

# Paths as the node sees them. The API server's files sit in their own directory, the
# only one mounted into its pod; the kubeadm configurations (with join material) do not.
CONF_DIR=/etc/kubernetes/clusterbench
APISERVER_DIR=$CONF_DIR/apiserver
AUDIT_LOG_DIR=/var/log/kubernetes/audit
ETCD_VOLUME_ROOT=/var/lib/clusterbench
INSTALLED_SCRIPT=/usr/local/sbin/clusterbench-bootstrap
ETCD_CLIENT_PORT=2379

log() { printf '%s clusterbench-bootstrap: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
is_true() { [[ $1 == true ]]; }

validate_settings() {
  local problems=()
  [[ $CB_ROLE == control-plane || $CB_ROLE == worker ]] || problems+=("CB_ROLE=$CB_ROLE: want control-plane or worker")
  [[ $CB_CLOUD == aws || $CB_CLOUD == gcp || $CB_CLOUD == local ]] || problems+=("CB_CLOUD=$CB_CLOUD: want aws, gcp or local")
  [[ $CB_STORE == ssm || $CB_STORE == gcp-secret || $CB_STORE == dir ]] || problems+=("CB_STORE=$CB_STORE: want ssm, gcp-secret or dir")
  [[ -n $CB_STORE_PATH ]] || problems+=("CB_STORE_PATH is empty")
  [[ -n $CB_CLUSTER_NAME ]] || problems+=("CB_CLUSTER_NAME is empty")
  [[ -n $CB_ZONE ]] || problems+=("CB_ZONE is empty")
  [[ $CB_API_ENDPOINT =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || problems+=("CB_API_ENDPOINT=$CB_API_ENDPOINT: want host:port")
  [[ $CB_KUBERNETES_VERSION =~ ^1\.[0-9]+$ ]] || problems+=("CB_KUBERNETES_VERSION=$CB_KUBERNETES_VERSION: want a minor version like 1.35")
  [[ $CB_CNI == calico || $CB_CNI == none ]] || problems+=("CB_CNI=$CB_CNI: want calico or none")
  [[ $CB_CNI != calico || $CB_CALICO_SHA256 =~ ^[0-9a-f]{64}$ ]] ||
    problems+=("CB_CALICO_SHA256=$CB_CALICO_SHA256: want the SHA-256 of Calico $CB_CALICO_VERSION's manifests/calico.yaml (64 hex digits)")
  if [[ $CB_ROLE == control-plane ]]; then
    [[ $CB_MEMBER_NAME =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || problems+=("CB_MEMBER_NAME=$CB_MEMBER_NAME: want a DNS label")
    [[ ,$CB_CONTROL_PLANE_MEMBERS, == *,"$CB_MEMBER_NAME",* ]] || problems+=("CB_CONTROL_PLANE_MEMBERS=$CB_CONTROL_PLANE_MEMBERS: must list CB_MEMBER_NAME")
    validate_addon_settings
  fi
  [[ $CB_STORE != ssm || -n $CB_REGION ]] || problems+=("CB_STORE=ssm needs CB_REGION")
  [[ $CB_STORE != gcp-secret || -n $CB_PROJECT ]] || problems+=("CB_STORE=gcp-secret needs CB_PROJECT")
  ! is_true "$CB_DRY_RUN" || [[ -n $CB_OUT ]] || problems+=("CB_DRY_RUN=true needs CB_OUT")
  if ((${#problems[@]} > 0)); then
    printf 'clusterbench-bootstrap: %s\n' "${problems[@]}" >&2
    exit 2
  fi
}

# validate_addon_settings adds to validate_settings' problems (control plane only).
validate_addon_settings() {
  [[ $CB_MONITORING =~ ^(none|prometheus|datadog)$ ]] || problems+=("CB_MONITORING=$CB_MONITORING: want none, prometheus or datadog")
  [[ $CB_DEMO == true || $CB_DEMO == false ]] || problems+=("CB_DEMO=$CB_DEMO: want true or false")
  if [[ $CB_MONITORING != none ]]; then
    [[ $CB_MONITORING_CHART =~ ^https?://[^[:space:]]+\ [a-z0-9][a-z0-9-]*\ [0-9]+\.[0-9]+\.[0-9]+$ ]] ||
      problems+=("CB_MONITORING_CHART=$CB_MONITORING_CHART: want \"<repository URL> <chart> <version>\"")
    [[ $CB_MONITORING_RELEASE =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || problems+=("CB_MONITORING_RELEASE=$CB_MONITORING_RELEASE: want a release name")
    [[ $CB_MONITORING_VALUES == \{*\} ]] || problems+=("CB_MONITORING_VALUES: want a JSON object")
    if is_true "$CB_INSTALL"; then
      [[ $CB_HELM_VERSION =~ ^v3\.[0-9]+\.[0-9]+$ ]] || problems+=("CB_HELM_VERSION=$CB_HELM_VERSION: want a Helm 3 release like v3.19.0")
      [[ $CB_HELM_SHA256 =~ ^[0-9a-f]{64}$ ]] || problems+=("CB_HELM_SHA256=$CB_HELM_SHA256: want the tarball's SHA-256 (64 hex digits)")
    fi
  fi
  [[ $CB_DEMO == false || -n $CB_DEMO_MANIFESTS ]] || problems+=("CB_DEMO=true needs CB_DEMO_MANIFESTS")
}

# ---- store seam: store_get KEY, store_put KEY VALUE, store_create KEY VALUE ---------------
# store_create writes only if the key does not exist yet (the election); it returns 1 when
# another writer was first. Values go through files or stdin, never the command line.

# with_secret_file VALUE COMMAND...: runs COMMAND with {} replaced by a 0600 file holding VALUE.
with_secret_file() {
  local value=$1 file rc=0
  shift
  file=$(umask 077 && mktemp)
  printf '%s' "$value" >"$file"
  "${@//\{\}/$file}" || rc=$?
  rm -f "$file"
  return "$rc"
}

gcp_secret_name() { echo "${CB_STORE_PATH}-$1"; }

store_get() {
  case $CB_STORE in
  ssm) aws ssm get-parameter --region "$CB_REGION" --name "$CB_STORE_PATH/$1" --with-decryption \
    --query Parameter.Value --output text 2>/dev/null ;;
  gcp-secret) gcloud secrets versions access latest --project "$CB_PROJECT" \
    --secret "$(gcp_secret_name "$1")" 2>/dev/null ;;
  dir) cat "$CB_STORE_PATH/$1" 2>/dev/null ;;
  esac
}

store_put() {
  case $CB_STORE in
  # Intelligent-Tiering: the admin kubeconfig (about 5.5 KB) is over the Standard tier's
  # 4 KB; SSM moves only such a parameter to the Advanced tier.
  ssm) with_secret_file "$2" aws ssm put-parameter --region "$CB_REGION" --name "$CB_STORE_PATH/$1" \
    --type SecureString --tier Intelligent-Tiering --overwrite --value "file://{}" >/dev/null ;;
  gcp-secret)
    # The components may create the secret (to grant a role access to it); add a version,
    # creating the secret first if it does not exist.
    if ! with_secret_file "$2" gcloud secrets versions add "$(gcp_secret_name "$1")" --project "$CB_PROJECT" \
      --data-file "{}" >/dev/null 2>&1; then
      with_secret_file "$2" gcloud secrets create "$(gcp_secret_name "$1")" --project "$CB_PROJECT" \
        --replication-policy automatic --data-file "{}" >/dev/null
    fi
    ;;
  dir)
    local tmp
    tmp=$(umask 077 && mktemp "$CB_STORE_PATH/.$1.XXXXXX")
    printf '%s' "$2" >"$tmp"
    mv -f "$tmp" "$CB_STORE_PATH/$1"
    ;;
  esac
}

store_create() {
  case $CB_STORE in
  ssm) with_secret_file "$2" aws ssm put-parameter --region "$CB_REGION" --name "$CB_STORE_PATH/$1" \
    --type SecureString --value "file://{}" >/dev/null 2>&1 ;;
  gcp-secret) with_secret_file "$2" gcloud secrets create "$(gcp_secret_name "$1")" --project "$CB_PROJECT" \
    --replication-policy automatic --data-file "{}" >/dev/null 2>&1 ;;
  dir)
    # link(2) fails if the name exists: atomic, and the value is complete when visible.
    local tmp rc=0
    tmp=$(umask 077 && mktemp "$CB_STORE_PATH/.$1.XXXXXX")
    printf '%s' "$2" >"$tmp"
    ln "$tmp" "$CB_STORE_PATH/$1" 2>/dev/null || rc=1
    rm -f "$tmp"
    return "$rc"
    ;;
  esac
}

# store_wait KEY SECONDS: prints KEY's value once it exists; fails after SECONDS.
store_wait() {
  local deadline=$((SECONDS + $2)) value
  while :; do
    if value=$(store_get "$1") && [[ -n $value ]]; then
      printf '%s' "$value"
      return 0
    fi
    ((SECONDS < deadline)) || return 1
    sleep 10
  done
}

# elect: "init" if this member creates the lock, or holds it from an earlier boot and the
# cluster never became ready (join-token absent: init failed or was interrupted);
# otherwise "join". Never decided by the member's index.
# The lock is judged by reading its holder back, never by the create's error: a create
# that failed for another reason (throttling, IAM not yet propagated, a retried create
# that had landed) must neither lose nor win the election by mistake, so it is tried
# again, for up to 5 minutes, until a holder is readable.
elect() {
  local attempt holder
  for attempt in $(seq 1 30); do
    store_create lock "$CB_MEMBER_NAME" || true
    if holder=$(store_get lock) && [[ -n $holder ]]; then
      if [[ $holder == "$CB_MEMBER_NAME" ]] && ! store_get join-token >/dev/null; then
        echo init
      else
        echo join
      fi
      return 0
    fi
    log "election: no readable lock yet (attempt $attempt of 30)"
    sleep 10
  done
  die "election: the lock could not be created or read for 5 minutes; check the store's permissions"
}

# ---- cloud seam: node address, etcd volume --------------------------------------------------
imds_token=""
aws_metadata() {
  [[ -n $imds_token ]] || imds_token=$(curl -fsS -m 5 -X PUT http://169.254.169.254/latest/api/token \
    -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
  curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $imds_token" "http://169.254.169.254/latest/meta-data/$1"
}
gcp_metadata() {
  curl -fsS -m 5 -H "Metadata-Flavor: Google" "http://metadata.google.internal/computeMetadata/v1/instance/$1"
}

node_ip() {
  if [[ -n $CB_NODE_IP ]]; then
    echo "$CB_NODE_IP"
    return
  fi
  case $CB_CLOUD in
  aws) aws_metadata local-ipv4 ;;
  gcp) gcp_metadata network-interfaces/0/ip ;;
  local) hostname -I | awk '{print $1}' ;;
  esac
}

# etcd_volume: the `main` entry of CB_ETCD_VOLUMES (empty if none).
etcd_volume() {
  local entry name
  local -a entries
  IFS=, read -r -a entries <<<"$CB_ETCD_VOLUMES"
  for entry in "${entries[@]}"; do
    name=${entry%%=*}
    if [[ $name == main ]]; then
      echo "${entry#*=}"
    else
      log "etcd volume $entry ignored: kubeadm's stacked etcd uses one volume (main)"
    fi
  done
}

# etcd_data_dir: where this member's etcd keeps its data, a directory inside the volume
# (a fresh filesystem has lost+found, which kubeadm's empty-directory check refuses).
etcd_data_dir() {
  local volume
  volume=$(etcd_volume)
  if [[ -z $volume ]]; then
    echo /var/lib/etcd
  elif [[ $CB_CLOUD == local ]]; then
    echo "$volume/data"
  else
    echo "$ETCD_VOLUME_ROOT/etcd-main/data"
  fi
}

# wait_for_path PATH SECONDS
wait_for_path() {
  local deadline=$((SECONDS + $2))
  until [[ -e $1 ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}

# attach_etcd_volume_aws VOLUME_ID: attaches the member's volume to this instance (after
# its previous instance lets go of it) and prints the block device.
attach_etcd_volume_aws() {
  local volume=$1 instance attached_to deadline=$((SECONDS + 600))
  instance=$(aws_metadata instance-id)
  while :; do
    attached_to=$(aws ec2 describe-volumes --region "$CB_REGION" --volume-ids "$volume" \
      --query 'Volumes[0].Attachments[0].InstanceId' --output text)
    [[ $attached_to == "$instance" ]] && break
    if [[ $attached_to == None ]]; then
      aws ec2 attach-volume --region "$CB_REGION" --volume-id "$volume" --instance-id "$instance" \
        --device /dev/xvdf >/dev/null && break
    fi
    ((SECONDS < deadline)) || die "etcd volume $volume still attached to $attached_to after 10 minutes"
    log "etcd volume $volume attached to $attached_to; waiting for it to be released"
    sleep 10
  done
  # Nitro instances expose EBS volumes as NVMe devices named after the volume id.
  local nvme=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volume//-/}
  if wait_for_path "$nvme" 120; then echo "$nvme"; elif [[ -e /dev/xvdf ]]; then echo /dev/xvdf; else
    die "etcd volume $volume attached but no device appeared"
  fi
}

# etcd_volume_device_gcp DEVICE_NAME: the disk the member's instance group attached.
etcd_volume_device_gcp() {
  local device=/dev/disk/by-id/google-$1
  wait_for_path "$device" 300 || die "etcd disk $1 did not appear at $device"
  echo "$device"
}

# mount_etcd_volume: attaches (aws), formats if blank and mounts the member's etcd volume,
# then creates the data directory. Local volumes are plain directories.
mount_etcd_volume() {
  local volume device mountpoint=$ETCD_VOLUME_ROOT/etcd-main
  volume=$(etcd_volume)
  [[ -n $volume ]] || return 0
  case $CB_CLOUD in
  aws) device=$(attach_etcd_volume_aws "$volume") ;;
  gcp) device=$(etcd_volume_device_gcp "$volume") ;;
  local)
    mkdir -p "$volume/data"
    return 0
    ;;
  esac
  if [[ -z $(blkid -o value -s TYPE "$device" || true) ]]; then
    log "formatting etcd volume $volume ($device)"
    mkfs.ext4 -q -L etcd-main "$device"
  fi
  mkdir -p "$mountpoint"
  if ! mountpoint -q "$mountpoint"; then
    echo "UUID=$(blkid -o value -s UUID "$device") $mountpoint ext4 defaults,nofail 0 2" >>/etc/fstab
    mount "$mountpoint"
  fi
  mkdir -p "$mountpoint/data"
  chmod 700 "$mountpoint/data"
}

# ---- host preparation ---------------------------------------------------------------------
prepare_kernel() {
  printf 'overlay\nbr_netfilter\n' >/etc/modules-load.d/clusterbench-k8s.conf
  modprobe overlay
  modprobe br_netfilter
  cat >/etc/sysctl.d/99-clusterbench-k8s.conf <<'EOF'
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
EOF
  sysctl --system >/dev/null
  swapoff -a
}

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq apt-transport-https ca-certificates curl gpg containerd etcd-client openssl >/dev/null
  local repo=https://pkgs.k8s.io/core:/stable:/v$CB_KUBERNETES_VERSION/deb
  mkdir -p /etc/apt/keyrings
  curl -fsSL "$repo/Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg
  echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] $repo/ /" >/etc/apt/sources.list.d/kubernetes.list
  apt-get update -qq
  apt-get install -y -qq kubelet kubeadm kubectl >/dev/null
  apt-mark hold kubelet kubeadm kubectl >/dev/null
  case $CB_CLOUD in
  aws) command -v aws >/dev/null || apt-get install -y -qq awscli >/dev/null 2>&1 || snap install aws-cli --classic ;;
  gcp) command -v gcloud >/dev/null || snap install google-cloud-cli --classic ;;
  esac
  # containerd with the systemd cgroup driver, as the kubelet is configured below.
  mkdir -p /etc/containerd
  containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' >/etc/containerd/config.toml
  systemctl restart containerd
  systemctl enable kubelet
}

# kubernetes_version: the exact version of the installed kubeadm, which must be of the
# requested minor version.
kubernetes_version() {
  local version
  version=$(kubeadm version -o short) || die "kubeadm not found"
  [[ $version == v$CB_KUBERNETES_VERSION.* ]] || die "kubeadm is $version, want $CB_KUBERNETES_VERSION"
  echo "$version"
}

# ---- configuration files ------------------------------------------------------------------
# write_file PATH MODE: writes stdin to PATH (under CB_OUT in a dry run).
out_root=""
write_file() {
  local path=$out_root$1
  mkdir -p "$(dirname "$path")"
  (umask 077 && cat >"$path")
  chmod "$2" "$path"
}

# Secrets at rest: secretbox (XSalsa20-Poly1305) with the cluster's key; identity last so
# that objects written before encryption stay readable. Only Secrets are encrypted.
render_encryption_config() {
  write_file "$APISERVER_DIR/encryption-config.yaml" 600 <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: $1
      - identity: {}
EOF
}

# Audit: request metadata for everything (who did what, when), never bodies of Secrets,
# ConfigMaps or token reviews; request bodies for changes to RBAC; nothing for the
# health endpoints and the high-volume reads of system components.
render_audit_policy() {
  write_file "$APISERVER_DIR/audit-policy.yaml" 644 <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: [/healthz*, /livez*, /readyz*, /version]
  - level: None
    users: [system:kube-proxy]
    verbs: [watch]
  - level: None
    userGroups: [system:nodes]
    verbs: [get]
    resources:
      - group: ""
        resources: [nodes, nodes/status]
  - level: Metadata
    resources:
      - group: ""
        resources: [secrets, configmaps, serviceaccounts/token]
      - group: authentication.k8s.io
        resources: [tokenreviews]
  - level: Request
    verbs: [create, update, patch, delete]
    resources:
      - group: rbac.authorization.k8s.io
  - level: Metadata
EOF
}

# Anonymous requests: refused everywhere except the health endpoints the kubelet probes
# and the signed cluster-info document `kubeadm join` discovers the cluster with. This is
# the documented replacement for --anonymous-auth=false (which would break both):
# AuthenticationConfiguration.anonymous.conditions, GA in Kubernetes 1.34
# (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration).
render_authentication_config() {
  write_file "$APISERVER_DIR/authentication-config.yaml" 644 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
  conditions:
    - path: /livez
    - path: /readyz
    - path: /healthz
    - path: /api/v1/namespaces/kube-public/configmaps/cluster-info
EOF
}

# The ClusterConfiguration every control-plane member renders (any member may win the
# election): hardened API server, stacked etcd on the member's volume.
render_cluster_configuration() {
  local version=$1 ip=$2
  cat <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: $CB_CLUSTER_NAME
kubernetesVersion: $version
controlPlaneEndpoint: $CB_API_ENDPOINT
networking:
  podSubnet: $CB_POD_CIDR
  serviceSubnet: $CB_SERVICE_CIDR
etcd:
  local:
    dataDir: $(etcd_data_dir)
    # kubeadm's defaults, stated: TLS with client-certificate auth on client and peer ports.
    extraArgs:
      - {name: client-cert-auth, value: "true"}
      - {name: peer-client-cert-auth, value: "true"}
apiServer:
  certSANs: [${CB_API_ENDPOINT%:*}, $ip]
  extraArgs:
    - {name: authorization-mode, value: "Node,RBAC"}
    - {name: enable-admission-plugins, value: NodeRestriction}
    - {name: encryption-provider-config, value: $APISERVER_DIR/encryption-config.yaml}
    - {name: authentication-config, value: $APISERVER_DIR/authentication-config.yaml}
    - {name: audit-policy-file, value: $APISERVER_DIR/audit-policy.yaml}
    - {name: audit-log-path, value: $AUDIT_LOG_DIR/audit.log}
    - {name: audit-log-maxage, value: "30"}
    - {name: audit-log-maxbackup, value: "10"}
    - {name: audit-log-maxsize, value: "100"}
    - {name: profiling, value: "false"}
  extraVolumes:
    - {name: clusterbench-apiserver, hostPath: $APISERVER_DIR, mountPath: $APISERVER_DIR, readOnly: true, pathType: Directory}
    - {name: audit-log, hostPath: $AUDIT_LOG_DIR, mountPath: $AUDIT_LOG_DIR, pathType: DirectoryOrCreate}
controllerManager:
  extraArgs:
    - {name: profiling, value: "false"}
scheduler:
  extraArgs:
    - {name: profiling, value: "false"}
EOF
}

render_kubelet_configuration() {
  cat <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
authentication:
  anonymous:
    enabled: false
authorization:
  mode: Webhook
readOnlyPort: 0
rotateCertificates: true
EOF
}

# node_registration NAME_OR_EMPTY: the nodeRegistration block (control-plane members are
# named after the member, so the etcd member and Node keep their name across
# replacements; workers keep kubeadm's default, the hostname).
node_registration() {
  [[ -n $1 ]] && echo "  name: $1"
  cat <<EOF
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - {name: node-labels, value: "topology.kubernetes.io/zone=$CB_ZONE"}
    - {name: node-ip, value: "$2"}
EOF
}

# render_init_config VERSION IP TOKEN CERTIFICATE_KEY
render_init_config() {
  write_file "$CONF_DIR/kubeadm-init.yaml" 600 <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: "$3"
    ttl: 24h
    groups: [system:bootstrappers:kubeadm:default-node-token]
    usages: [signing, authentication]
certificateKey: "$4"
localAPIEndpoint:
  advertiseAddress: $2
nodeRegistration:
$(node_registration "$CB_MEMBER_NAME" "$2")
---
$(render_cluster_configuration "$1" "$2")
---
$(render_kubelet_configuration)
EOF
}

# render_join_config IP TOKEN CA_CERT_HASH CERTIFICATE_KEY (no certificate key for workers)
render_join_config() {
  local token=$2 hash=$3 name="" control_plane=""
  if [[ $CB_ROLE == control-plane ]]; then
    name=$CB_MEMBER_NAME
    control_plane="controlPlane:
  localAPIEndpoint:
    advertiseAddress: $1
  certificateKey: \"$4\""
  fi
  write_file "$CONF_DIR/kubeadm-join.yaml" 600 <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: $CB_API_ENDPOINT
    token: "$token"
    caCertHashes: ["$hash"]
nodeRegistration:
$(node_registration "$name" "$1")
$control_plane
# Members that boot together join together: etcd admits one learner at a time and
# kubeadm retries adding its member for this long (default 2 minutes).
timeouts:
  etcdAPICall: 10m0s
EOF
}

# render_apiserver_files ENCRYPTION_KEY
render_apiserver_files() {
  render_encryption_config "$1"
  render_audit_policy
  render_authentication_config
}

# ---- the etcd membership library (scripts/etcd/members.sh, verbatim: make test-kubeadm
# fails if this copy differs; user data is one file, so the library travels inside it) ----
# BEGIN members.sh
# shellcheck shell=bash
# etcd membership library: member health and stale-member removal for a replaced
# control-plane member. Sourced by scripts/kubernetes/bootstrap.sh (which embeds a copy of
# it on the node) and by scripts/etcd/test-etcd.sh, so the code the test proves against a
# real etcd cluster is the code a member runs when it boots.
#
# Inputs (environment):
#   ETCDCTL            etcdctl binary (default: etcdctl on PATH)
#   ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY
#                      read by etcdctl itself: the cluster CA and a client certificate it
#                      signed (kubeadm's etcd requires client-certificate auth)
#   ETCD_TIMEOUT       seconds for one etcdctl call (default 5): no call waits longer
#
# Functions return 0 on success and non-zero with a message on stderr otherwise; they
# print results on stdout. Endpoints are client URLs (https://10.0.1.5:2379).
#
# The rule they enforce: a member that boots under the name of a previous incarnation
# removes that stale entry only through a healthy quorum, only if the entry is not itself
# healthy (a live member is never removed), and only if the members left after the
# removal still have a quorum. Anything else is refused, so a healthy quorum is never
# wiped and a lost quorum is left for a person to restore from a snapshot.

# etcd_ctl ARGS...: etcdctl with bounded dial and command timeouts.
etcd_ctl() {
  local timeout=${ETCD_TIMEOUT:-5}
  "${ETCDCTL:-etcdctl}" --dial-timeout="${timeout}s" --command-timeout="${timeout}s" "$@"
}

# etcd_healthy_endpoints ENDPOINT...: prints, one a line, the endpoints that answer a
# health check (a linearizable read through that member, so a member cut off from the
# quorum is not healthy).
etcd_healthy_endpoints() {
  (($# > 0)) || return 0
  # In parallel: an unreachable member costs one timeout, not one per member.
  local dir i
  local -a endpoints=("$@") pids=()
  dir=$(mktemp -d)
  for i in "${!endpoints[@]}"; do
    (etcd_ctl --endpoints="${endpoints[i]}" endpoint health >/dev/null 2>&1 && : >"$dir/$i") &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for i in "${!endpoints[@]}"; do
    [[ -e $dir/$i ]] && printf '%s\n' "${endpoints[i]}"
  done
  rm -rf "$dir"
  return 0
}

# etcd_members ENDPOINT...: prints the member list through the first endpoint that
# answers, one member a line: "ID NAME PEER_URLS CLIENT_URLS STARTED LEARNER" (URL lists
# comma-separated; NAME is "-" for a member added but never started, whose name etcd
# does not know yet; CLIENT_URLS "-" likewise).
etcd_members() {
  local endpoint out
  for endpoint in "$@"; do
    if out=$(etcd_ctl --endpoints="$endpoint" member list -w simple 2>/dev/null); then
      # simple format: "id, started|unstarted, name, peerURLs, clientURLs, isLearner"
      printf '%s\n' "$out" | awk -F', ' 'NF >= 6 {
        name = ($3 == "") ? "-" : $3; clients = ($5 == "") ? "-" : $5
        print $1, name, $4, clients, $2, $6 }'
      return 0
    fi
  done
  echo "etcd: no endpoint answered member list ($*)" >&2
  return 1
}

# etcd_quorum_size N: the votes a cluster of N voting members needs.
etcd_quorum_size() {
  echo $(($1 / 2 + 1))
}

# etcd_any_in URLS SET: 0 if one of the comma-separated URLS is a line of SET.
etcd_any_in() {
  local url
  local -a urls
  IFS=, read -r -a urls <<<"$1"
  for url in "${urls[@]}"; do
    [[ $url != - ]] && grep -qxF -- "$url" <<<"$2" && return 0
  done
  return 1
}

# etcd_remove_stale_member NAME ENDPOINT...: removes the member called NAME (a previous
# incarnation of the member now booting) through the endpoints of the other members.
# Prints "absent" (nothing to remove) or "removed ID". Refuses (returns 2) when:
#   - no endpoint is healthy or the healthy voters are no quorum (nothing can be changed
#     safely; restoring from a snapshot is a person's decision);
#   - the member called NAME is itself healthy (another incarnation is running);
#   - the voters left after the removal would have no quorum.
etcd_remove_stale_member() {
  local name=$1
  shift
  local -a healthy
  mapfile -t healthy < <(etcd_healthy_endpoints "$@")
  if ((${#healthy[@]} == 0)); then
    echo "etcd: no healthy endpoint among $*: refusing to change membership" >&2
    return 2
  fi
  local members
  members=$(etcd_members "${healthy[@]}") || return 2

  # Health of every member's client URLs, checked once, in parallel.
  local all_clients healthy_clients
  all_clients=$(awk '$4 != "-" { gsub(",", "\n", $4); print $4 }' <<<"$members")
  # shellcheck disable=SC2086 # one URL a word
  healthy_clients=$(etcd_healthy_endpoints $all_clients)

  local voters=0 healthy_voters=0 stale_id="" stale_clients="" id member_name _peers clients started learner
  while read -r id member_name _peers clients started learner; do
    [[ -n $id ]] || continue
    if [[ $member_name == "$name" ]]; then
      stale_id=$id
      stale_clients=$clients
    fi
    [[ $learner == true ]] && continue
    voters=$((voters + 1))
    if [[ $started == started ]] && etcd_any_in "$clients" "$healthy_clients"; then
      healthy_voters=$((healthy_voters + 1))
    fi
  done <<<"$members"

  if ((healthy_voters < $(etcd_quorum_size "$voters"))); then
    echo "etcd: $healthy_voters of $voters voting members healthy, no quorum: refusing to change membership" >&2
    return 2
  fi
  if [[ -z $stale_id ]]; then
    echo absent
    return 0
  fi
  if etcd_any_in "$stale_clients" "$healthy_clients"; then
    echo "etcd: member $name ($stale_id) is healthy at $stale_clients: another incarnation is running, refusing to remove it" >&2
    return 2
  fi
  # The stale member is not healthy, so it is not among healthy_voters: after removing
  # it, voters-1 members remain, of which healthy_voters are healthy.
  if ((healthy_voters < $(etcd_quorum_size $((voters - 1))))); then
    echo "etcd: removing $name would leave $healthy_voters healthy of $((voters - 1)): refusing" >&2
    return 2
  fi
  etcd_ctl --endpoints="$(
    IFS=,
    echo "${healthy[*]}"
  )" member remove "$stale_id" >/dev/null || return 2
  echo "removed $stale_id"
}

# etcd_add_member NAME PEER_URL ENDPOINT...: announces a new member (what `kubeadm join
# --control-plane` does before starting the member's etcd) and prints the
# ETCD_INITIAL_CLUSTER value the new member must start with. etcd refuses a member while
# any current member has been connected for less than its health interval (5 s), as
# right after a restart ("unhealthy cluster"), so this retries for up to 60 s.
etcd_add_member() {
  local name=$1 peer_url=$2 out deadline=$((SECONDS + 60))
  shift 2
  local endpoints
  endpoints=$(
    IFS=,
    echo "$*"
  )
  until out=$(etcd_ctl --endpoints="$endpoints" member add "$name" --peer-urls="$peer_url" 2>&1); do
    if ((SECONDS >= deadline)); then
      echo "etcd: member add $name refused: $out" >&2
      return 1
    fi
    sleep 2
  done
  sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' <<<"$out"
}

# etcd_wait_healthy SECONDS ENDPOINT...: polls until every endpoint is healthy; returns 1
# (naming the unhealthy ones) when SECONDS pass first.
etcd_wait_healthy() {
  local deadline=$((SECONDS + $1))
  shift
  local -a healthy
  while :; do
    mapfile -t healthy < <(etcd_healthy_endpoints "$@")
    ((${#healthy[@]} == $#)) && return 0
    if ((SECONDS >= deadline)); then
      echo "etcd: not healthy after the wait: $(printf '%s\n' "$@" "${healthy[@]}" | sort | uniq -u | tr '\n' ' ')" >&2
      return 1
    fi
    sleep 1
  done
}

# etcd_issue_client_cert CA_CERT CA_KEY DIR: writes DIR/client.crt and DIR/client.key, a
# short-lived client certificate signed by the etcd CA, and prints the ETCDCTL_* exports
# for it. A replacement member has the etcd CA (downloaded with the certificate key)
# before it has any certificate of its own; this is how it talks to the quorum.
etcd_issue_client_cert() {
  local ca_cert=$1 ca_key=$2 dir=$3
  mkdir -p "$dir"
  (
    umask 077
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$dir/client.key" -out "$dir/client.csr" -subj "/CN=clusterbench-etcd-client" 2>/dev/null &&
      openssl x509 -req -in "$dir/client.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial \
        -CAserial "$dir/ca.srl" -days 1 -out "$dir/client.crt" \
        -extfile <(printf 'extendedKeyUsage=clientAuth\n') 2>/dev/null
  ) || {
    echo "etcd: could not issue a client certificate from $ca_cert" >&2
    return 1
  }
  rm -f "$dir/client.csr" "$dir/ca.srl"
  printf 'export ETCDCTL_CACERT=%q ETCDCTL_CERT=%q ETCDCTL_KEY=%q\n' "$ca_cert" "$dir/client.crt" "$dir/client.key"
}
# END members.sh

# ---- kubeadm flows ------------------------------------------------------------------------
KUBECONFIG_ADMIN=/etc/kubernetes/admin.conf

ca_cert_hash() {
  echo "sha256:$(openssl x509 -pubkey -noout -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der 2>/dev/null |
    openssl dgst -sha256 -hex | sed 's/^.* //')"
}

# get_or_create KEY COMMAND...: the stored value of KEY, or COMMAND's output stored now.
get_or_create() {
  local key=$1 value
  shift
  if value=$(store_get "$key") && [[ -n $value ]]; then
    printf '%s' "$value"
    return
  fi
  # Called inside $(...), where set -e does not reach: every failure returns explicitly,
  # so init stops instead of going on with a key that was never stored.
  value=$("$@") || return 1
  store_put "$key" "$value" || return 1
  printf '%s' "$value"
}
new_encryption_key() { head -c 32 /dev/urandom | base64; }

install_calico() {
  local manifest
  manifest=$(mktemp)
  curl -fsSL --retry 5 "https://raw.githubusercontent.com/projectcalico/calico/$CB_CALICO_VERSION/manifests/calico.yaml" -o "$manifest"
  printf '%s  %s\n' "$CB_CALICO_SHA256" "$manifest" | sha256sum --check --status ||
    die "Calico $CB_CALICO_VERSION's manifest does not have the pinned SHA-256; not applying it"
  # Calico's pool is the pod CIDR kubeadm was given.
  sed -i -e 's|# - name: CALICO_IPV4POOL_CIDR|- name: CALICO_IPV4POOL_CIDR|' \
    -e "s|#   value: \"192.168.0.0/16\"|  value: \"$CB_POD_CIDR\"|" "$manifest"
  grep -qE "^[[:space:]]+value: \"${CB_POD_CIDR//./\\.}\"" "$manifest" || die "Calico $CB_CALICO_VERSION's manifest has no commented pool CIDR to set"
  local deadline=$((SECONDS + 300))
  until kubectl --kubeconfig "$KUBECONFIG_ADMIN" apply -f "$manifest" >/dev/null; do
    ((SECONDS < deadline)) || die "could not apply Calico $CB_CALICO_VERSION"
    sleep 10
  done
  rm -f "$manifest"
}

register_etcd_endpoint() {
  store_put "etcd-$CB_MEMBER_NAME" "https://$1:$ETCD_CLIENT_PORT"
}

init_cluster() {
  local version=$1 ip=$2 token certificate_key encryption_key
  certificate_key=$(get_or_create certificate-key kubeadm certs certificate-key)
  encryption_key=$(get_or_create encryption-key new_encryption_key)
  token=$(kubeadm token generate)
  render_apiserver_files "$encryption_key"
  render_init_config "$version" "$ip" "$token" "$certificate_key"
  log "kubeadm init (this member won the election)"
  if [[ -n $(ls -A /etc/kubernetes/manifests 2>/dev/null) ]]; then
    log "an earlier init attempt of this member did not finish: kubeadm reset first"
    kubeadm reset --force
  fi
  kubeadm init --config "$CONF_DIR/kubeadm-init.yaml" --upload-certs --skip-token-print --skip-certificate-key-print
  if [[ $CB_CNI == calico ]]; then
    install_calico
  else
    log "CB_CNI=none: no pod network applied; nodes stay NotReady until you apply a CNI"
  fi
  register_etcd_endpoint "$ip"
  store_put ca-cert-hash "$(ca_cert_hash)"
  # The stacks export the command that reads this (kubeconfigCommand): the admin
  # kubeconfig exists only here, made by kubeadm init at boot.
  store_put admin-kubeconfig "$(cat "$KUBECONFIG_ADMIN")"
  # Last: join-token present means the cluster is ready for joiners.
  store_put join-token "$token"
}

# remove_stale_self: before a control-plane member joins, a previous incarnation (same
# member name) still listed in etcd is removed through the healthy quorum, and data left
# on the reattached volume is moved aside (kept, never deleted) once a healthy quorum
# without it is confirmed. Refusals stop the bootstrap: a member never joins where
# joining could cost the cluster its quorum, and never sets aside data that may be the
# cluster's only copy (a lone member's replacement: restore from a snapshot instead).
remove_stale_self() {
  local member endpoint data_dir result quorum_confirmed=false
  local -a endpoints=() members
  IFS=, read -r -a members <<<"$CB_CONTROL_PLANE_MEMBERS"
  for member in "${members[@]}"; do
    [[ $member == "$CB_MEMBER_NAME" ]] && continue
    endpoint=$(store_get "etcd-$member") && [[ -n $endpoint ]] && endpoints+=("$endpoint")
  done
  if ((${#endpoints[@]} > 0)); then
    # The etcd CA arrives with the control-plane certificates; a client certificate it
    # signs lets this member talk to the quorum before it has certificates of its own.
    kubeadm join phase control-plane-prepare download-certs --config "$CONF_DIR/kubeadm-join.yaml" >/dev/null
    local client_dir
    client_dir=$(mktemp -d)
    eval "$(etcd_issue_client_cert /etc/kubernetes/pki/etcd/ca.crt /etc/kubernetes/pki/etcd/ca.key "$client_dir")"
    # A refusal can be transient (members that boot together are still joining): ask
    # again for up to 5 minutes before giving up.
    local deadline=$((SECONDS + 300))
    until result=$(etcd_remove_stale_member "$CB_MEMBER_NAME" "${endpoints[@]}"); do
      ((SECONDS < deadline)) || die "etcd refused the replacement of $CB_MEMBER_NAME for 5 minutes (see above); not joining"
      sleep 15
    done
    rm -rf "$client_dir"
    log "stale etcd member $CB_MEMBER_NAME: $result"
    quorum_confirmed=true
  fi
  data_dir=$(etcd_data_dir)
  if [[ -d $data_dir/member ]]; then
    $quorum_confirmed || die "$data_dir holds etcd data and no other member is known: it may be the cluster's only copy; not touching it"
    local aside
    aside=$data_dir.stale-$(date -u +%Y%m%dT%H%M%SZ)
    log "moving the previous incarnation's etcd data aside to $aside"
    mv "$data_dir" "$aside"
    mkdir -m 700 "$data_dir"
  fi
}

join_cluster() {
  local version=$1 ip=$2 token hash certificate_key="" attempt
  log "waiting for join material (up to $CB_JOIN_WAIT_SECONDS s)"
  store_wait join-token "$CB_JOIN_WAIT_SECONDS" >/dev/null ||
    die "no join material after $CB_JOIN_WAIT_SECONDS s (lock held by '$(store_get lock || true)'). If this stack was destroyed and created again, the nodes' store entries outlived it (ssm: the parameters under $CB_STORE_PATH; gcp-secret: the secret ${CB_STORE_PATH}-lock): delete them and replace the members"
  hash=$(store_get ca-cert-hash) || die "no ca-cert-hash in the store"
  if [[ $CB_ROLE == control-plane ]]; then
    local encryption_key
    certificate_key=$(store_get certificate-key) || die "no certificate-key in the store"
    encryption_key=$(store_get encryption-key) || die "no encryption-key in the store"
    render_apiserver_files "$encryption_key"
    # The cluster's configuration as this member would init it: refresh-join's
    # upload-certs reads it.
    render_init_config "$version" "$ip" unused.0000000000000000 "$certificate_key"
  fi
  # Up to 3 attempts, each with the newest token (a refresh may have replaced it) and
  # after undoing what the failed attempt did (kubeadm reset also takes a half-joined
  # member back out of etcd).
  for attempt in 1 2 3; do
    token=$(store_get join-token) || die "join-token vanished from the store"
    render_join_config "$ip" "$token" "$hash" "$certificate_key"
    [[ $CB_ROLE == control-plane ]] && remove_stale_self
    log "kubeadm join as $CB_ROLE (attempt $attempt)"
    if kubeadm join --config "$CONF_DIR/kubeadm-join.yaml"; then
      [[ $CB_ROLE == control-plane ]] && register_etcd_endpoint "$ip"
      return 0
    fi
    kubeadm reset --force || true
    sleep 30
  done
  die "kubeadm join failed 3 times"
}

refresh_join() {
  local token
  token=$(kubeadm token create --ttl 6h --kubeconfig "$KUBECONFIG_ADMIN")
  kubeadm init phase upload-certs --upload-certs --config "$CONF_DIR/kubeadm-init.yaml" >/dev/null
  store_put join-token "$token"
  log "join material refreshed"
}

snapshot() {
  [[ -n $CB_SNAPSHOT_BUCKET ]] || die "CB_SNAPSHOT_BUCKET is empty"
  local file name
  file=$(mktemp -d)/snapshot.db
  name=$CB_CLUSTER_NAME/$CB_MEMBER_NAME/$(date -u +%Y%m%dT%H%M%SZ).db
  ETCD_TIMEOUT=120 etcd_ctl --endpoints "https://127.0.0.1:$ETCD_CLIENT_PORT" \
    --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt \
    --key /etc/kubernetes/pki/etcd/healthcheck-client.key snapshot save "$file" >/dev/null
  case $CB_CLOUD in
  aws) aws s3 cp --region "$CB_REGION" --sse AES256 --only-show-errors "$file" "s3://$CB_SNAPSHOT_BUCKET/$name" ;;
  gcp) gcloud storage cp --quiet "$file" "gs://$CB_SNAPSHOT_BUCKET/$name" ;;
  local) mkdir -p "$CB_SNAPSHOT_BUCKET/$(dirname "$name")" && cp "$file" "$CB_SNAPSHOT_BUCKET/$name" ;;
  esac
  rm -rf "$(dirname "$file")"
  log "etcd snapshot saved as $name"
}

# install_timers: this script (with its settings) as clusterbench-bootstrap, run by
# systemd timers for the join-material refresh, etcd snapshots and the add-ons.
install_timers() {
  install -m 700 "${BASH_SOURCE[0]}" "$INSTALLED_SCRIPT"
  local unit period
  for unit in refresh-join etcd-snapshot addons; do
    case $unit in
    refresh-join) period=1h ;;
    etcd-snapshot) period=6h ;;
    addons) period=10min ;;
    esac
    [[ $unit == etcd-snapshot && -z $CB_SNAPSHOT_BUCKET ]] && continue
    cat >"/etc/systemd/system/clusterbench-$unit.service" <<EOF
[Unit]
Description=clusterbench $unit
[Service]
Type=oneshot
ExecStart=$INSTALLED_SCRIPT ${unit#etcd-}
TimeoutStartSec=15min
EOF
    cat >"/etc/systemd/system/clusterbench-$unit.timer" <<EOF
[Unit]
Description=clusterbench $unit every $period
[Timer]
OnBootSec=$period
OnUnitActiveSec=$period
RandomizedDelaySec=$([[ $unit == addons ]] && echo 1min || echo 10min)
[Install]
WantedBy=timers.target
EOF
  done
  systemctl daemon-reload
  systemctl enable --now clusterbench-refresh-join.timer clusterbench-addons.timer
  [[ -z $CB_SNAPSHOT_BUCKET ]] || systemctl enable --now clusterbench-etcd-snapshot.timer
}

# ---- add-ons: monitoring and the demo (clusterbench:monitoring, clusterbench:demo) ---------
# The member holding the init lock converges the cluster on what its settings ask for:
# the pinned chart installed or upgraded with Helm (values from the Pulumi program), the
# extra manifests and the demo applied, and whatever an earlier setting installed and this
# one does not want removed (our Helm releases by their label, our objects by
# app.kubernetes.io/managed-by=clusterbench). The admin kubeconfig never leaves the
# member. Helm does not wait for the pods (their images are pulled at run time); a failed
# step fails the run, and the timer tries again. A stamp (the settings' hash) makes a run
# with unchanged settings a no-op but for the Datadog key, which is compared with the
# store every time (a rotated key reaches the Secret; restart the agents to read it).
ADDONS_DIR=$CONF_DIR/addons
ADDONS_STAMP=/var/lib/clusterbench/addons.sha256
MONITORING_NAMESPACE=monitoring
DEMO_NAMESPACE=demo
MANAGED_BY=app.kubernetes.io/managed-by=clusterbench
RELEASE_LABEL=clusterbench=monitoring
DATADOG_SECRET=datadog-api-key
HELM=helm
HELM_HOME=/var/lib/clusterbench/helm

kc() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=60s "$@"; }
# Helm's cache, configuration and data on the member's disk: systemd gives a oneshot
# service no HOME.
hc() {
  HELM_CACHE_HOME=$HELM_HOME/cache HELM_CONFIG_HOME=$HELM_HOME/config HELM_DATA_HOME=$HELM_HOME/data \
    "$HELM" --kubeconfig "$KUBECONFIG_ADMIN" "$@"
}

# install_helm: the pinned Helm CLI, its tarball checked against CB_HELM_SHA256.
install_helm() {
  if ! is_true "$CB_INSTALL"; then
    HELM=$(command -v helm) || die "addons: CB_INSTALL=false and no helm on PATH"
    return 0
  fi
  HELM=/usr/local/bin/helm
  [[ -x $HELM && $("$HELM" version --template '{{.Version}}' 2>/dev/null) == "$CB_HELM_VERSION" ]] && return 0
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL --retry 5 "https://get.helm.sh/helm-$CB_HELM_VERSION-linux-amd64.tar.gz" -o "$tmp/helm.tgz" ||
    die "addons: could not download helm $CB_HELM_VERSION"
  if ! printf '%s  %s\n' "$CB_HELM_SHA256" "$tmp/helm.tgz" | sha256sum --check --status; then
    rm -rf "$tmp"
    die "addons: helm-$CB_HELM_VERSION-linux-amd64.tar.gz does not have the pinned SHA-256; not installing it"
  fi
  tar -xzf "$tmp/helm.tgz" -C "$tmp" linux-amd64/helm
  install -m 755 "$tmp/linux-amd64/helm" "$HELM"
  rm -rf "$tmp"
}

addons_fingerprint() {
  printf '%s\0' "$CB_MONITORING" "$CB_DEMO" "$CB_MONITORING_CHART" "$CB_MONITORING_RELEASE" \
    "$CB_MONITORING_VALUES" "$CB_MONITORING_MANIFESTS" "$CB_DEMO_MANIFESTS" "$CB_HELM_VERSION" | sha256sum | cut -d' ' -f1
}

# ours KIND NAME: the object exists and carries our managed-by label (1: absent or not
# ours). An API that cannot answer stops the run: it must not read as "nothing to remove".
ours() {
  local label
  label=$(kc get "$1" "$2" --ignore-not-found -o 'jsonpath={.metadata.labels.app\.kubernetes\.io/managed-by}') ||
    die "addons: could not read $1 $2 from the API"
  [[ $label == clusterbench ]]
}

monitoring_namespace() {
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $MONITORING_NAMESPACE
  labels: {app.kubernetes.io/managed-by: clusterbench}
EOF
}

# datadog_secret: the store's datadog-api-key as the Secret the chart reads
# (apiKeyExistingSecret), applied only when it differs. The key stays in memory and on
# pipes: printf is a shell builtin, so it is never an argument of a process. Applied
# server-side, so no last-applied-configuration annotation keeps a second copy.
datadog_secret() {
  local key current
  key=$(store_get datadog-api-key) || key=""
  [[ -n $key ]] || die "addons: no datadog-api-key in the store"
  current=$(kc get secret "$DATADOG_SECRET" -n "$MONITORING_NAMESPACE" -o 'jsonpath={.data.api-key}' 2>/dev/null || true)
  [[ $current == "$(printf '%s' "$key" | base64 -w0)" ]] && return 0
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n  labels: {app.kubernetes.io/managed-by: clusterbench}\ntype: Opaque\ndata:\n  api-key: %s\n' \
    "$DATADOG_SECRET" "$MONITORING_NAMESPACE" "$(printf '%s' "$key" | base64 -w0)" |
    kc apply --server-side --field-manager=clusterbench --force-conflicts -f - >/dev/null
  log "addons: Secret $MONITORING_NAMESPACE/$DATADOG_SECRET written from the store"
}

# remove_releases_except NAME: uninstalls our releases in the monitoring namespace but NAME.
remove_releases_except() {
  local releases release
  releases=$(hc list --namespace "$MONITORING_NAMESPACE" --selector "$RELEASE_LABEL" --all --short) ||
    die "addons: helm could not list the releases in $MONITORING_NAMESPACE"
  while read -r release; do
    [[ -n $release && $release != "$1" ]] || continue
    hc uninstall "$release" --namespace "$MONITORING_NAMESPACE" >/dev/null
    log "addons: Helm release $release uninstalled (CB_MONITORING=$CB_MONITORING)"
  done <<<"$releases"
}

# remove_monitoring_objects: what CB_MONITORING_MANIFESTS applied (namespaced and cluster-wide).
remove_monitoring_objects() {
  kc delete deployment,service,networkpolicy,configmap,serviceaccount -n "$MONITORING_NAMESPACE" -l "$MANAGED_BY" \
    --ignore-not-found >/dev/null
  kc delete clusterrolebinding,clusterrole -l "$MANAGED_BY" --ignore-not-found >/dev/null
}

# apply_file NAME CONTENT: CONTENT saved as ADDONS_DIR/NAME and applied.
apply_file() {
  (umask 077 && printf '%s\n' "$2" >"$ADDONS_DIR/$1")
  kc apply -f "$ADDONS_DIR/$1" >/dev/null
}

# recover_pending RELEASE: a run that was stopped half-way (the unit's timeout, a reboot)
# leaves its release pending-*, and Helm then refuses every later operation on it. Runs
# are serialized (addons' lock), so a pending release is never another run's: a first
# install is uninstalled, an upgrade or rollback rolled back to the last good revision.
recover_pending() {
  local status
  status=$(hc history "$1" --namespace "$MONITORING_NAMESPACE" --max 1 -o json 2>/dev/null |
    grep -o '"status":"[a-z-]*"' | head -1) || true
  case $status in
  '"status":"pending-install"')
    log "addons: release $1 was left pending-install; uninstalling it"
    hc uninstall "$1" --namespace "$MONITORING_NAMESPACE" >/dev/null
    ;;
  '"status":"pending-upgrade"' | '"status":"pending-rollback"')
    log "addons: release $1 was left ${status#*:}; rolling it back"
    hc rollback "$1" --namespace "$MONITORING_NAMESPACE" >/dev/null
    ;;
  esac
}

install_monitoring() {
  local repo chart version
  read -r repo chart version <<<"$CB_MONITORING_CHART"
  install_helm
  monitoring_namespace
  [[ $CB_MONITORING != datadog ]] || datadog_secret
  (umask 077 && printf '%s\n' "$CB_MONITORING_VALUES" >"$ADDONS_DIR/values.json")
  recover_pending "$CB_MONITORING_RELEASE"
  # One attempt per run, within the unit's 15 minutes (the chart's hook jobs wait for a
  # schedulable node): the timer is the retry.
  hc upgrade --install "$CB_MONITORING_RELEASE" "$chart" --repo "$repo" --version "$version" \
    --namespace "$MONITORING_NAMESPACE" --values "$ADDONS_DIR/values.json" --labels "$RELEASE_LABEL" \
    --history-max 5 --timeout 8m >/dev/null || die "addons: helm could not install $chart $version from $repo"
  log "addons: $chart $version installed as release $CB_MONITORING_RELEASE"
  remove_releases_except "$CB_MONITORING_RELEASE"
  if [[ -n $CB_MONITORING_MANIFESTS ]]; then
    apply_file monitoring.yaml "$CB_MONITORING_MANIFESTS"
    log "addons: monitoring manifests applied"
  else
    remove_monitoring_objects
  fi
  [[ $CB_MONITORING == datadog ]] || kc delete secret "$DATADOG_SECRET" -n "$MONITORING_NAMESPACE" --ignore-not-found >/dev/null
}

remove_monitoring() {
  ours namespace "$MONITORING_NAMESPACE" || return 0
  if command -v "$HELM" >/dev/null; then remove_releases_except ""; fi
  remove_monitoring_objects
  kc delete namespace "$MONITORING_NAMESPACE" --wait=false >/dev/null
  log "addons: monitoring removed (namespace $MONITORING_NAMESPACE deleted)"
}

addons() {
  [[ $CB_ROLE == control-plane ]] || die "addons runs on control-plane members"
  # One run at a time: the boot's own run and the timer's may meet.
  exec 9>/run/clusterbench-addons.lock
  flock -w 1200 9 || die "addons: another run held the lock for 20 minutes"
  local holder stamp
  holder=$(store_get lock) || true
  if [[ $holder != "$CB_MEMBER_NAME" ]]; then
    log "addons: left to the lock holder (${holder:-none yet})"
    return 0
  fi
  [[ -f $KUBECONFIG_ADMIN ]] || die "addons: no $KUBECONFIG_ADMIN on this member"
  stamp=$(addons_fingerprint)
  if [[ $(cat "$ADDONS_STAMP" 2>/dev/null) == "$stamp" ]]; then
    [[ $CB_MONITORING != datadog ]] || datadog_secret
    log "addons: up to date (monitoring $CB_MONITORING, demo $CB_DEMO)"
    return 0
  fi
  mkdir -p "$ADDONS_DIR" "${ADDONS_STAMP%/*}"
  chmod 700 "$ADDONS_DIR"
  if [[ $CB_MONITORING == none ]]; then remove_monitoring; else install_monitoring; fi
  if is_true "$CB_DEMO"; then
    apply_file demo.yaml "$CB_DEMO_MANIFESTS"
    log "addons: demo applied (namespace $DEMO_NAMESPACE)"
  elif ours namespace "$DEMO_NAMESPACE"; then
    kc delete namespace "$DEMO_NAMESPACE" --wait=false >/dev/null
    log "addons: demo removed (namespace $DEMO_NAMESPACE deleted)"
  fi
  printf '%s\n' "$stamp" >"$ADDONS_STAMP"
  log "addons: converged (monitoring $CB_MONITORING, demo $CB_DEMO)"
}

# dry_run: every file this member could need, with placeholder join material, into CB_OUT.
dry_run() {
  out_root=$CB_OUT
  local version ip placeholder_key
  version=$(kubernetes_version)
  ip=$(node_ip)
  placeholder_key=$(printf '%064d' 0)
  if [[ $CB_ROLE == control-plane ]]; then
    render_apiserver_files "$(head -c 32 /dev/zero | base64)"
    render_init_config "$version" "$ip" cbdry0.0123456789abcdef "$placeholder_key"
  fi
  render_join_config "$ip" cbdry0.0123456789abcdef "sha256:$placeholder_key" "$placeholder_key"
  log "dry run: configuration for $CB_ROLE ${CB_MEMBER_NAME:-} written under $CB_OUT"
}

# On GCE, every backend of the API's internal passthrough load balancer holds a local
# route for the load balancer's address (the guest agent adds it, so the VM accepts the
# traffic the load balancer hands it). A member that is still joining would therefore send
# its own requests for CB_API_ENDPOINT to itself, where no API server runs yet, and the
# join would fail (kops notes the same for its GCE API load balancer). While a member
# joins, it keeps that route away; once it has joined, the route comes back. Not run on
# a real GCE VM from here (no cloud is reachable): the route's shape (table local, proto
# 66) is the guest agent's documented one.
LB_ROUTE_GUARD_PID=
lb_route_guard_start() {
  [[ $CB_CLOUD == gcp && $CB_ROLE == control-plane ]] || return 0
  local lb=${CB_API_ENDPOINT%:*}
  [[ $lb =~ ^[0-9]+(\.[0-9]+){3}$ ]] || return 0
  (while true; do
    ip route del local "$lb" table local 2>/dev/null || true
    sleep 2
  done) &
  LB_ROUTE_GUARD_PID=$!
  log "joining: the local route for the API load balancer $lb is held off"
}
lb_route_guard_stop() {
  [[ -n $LB_ROUTE_GUARD_PID ]] || return 0
  kill "$LB_ROUTE_GUARD_PID" 2>/dev/null || true
  wait "$LB_ROUTE_GUARD_PID" 2>/dev/null || true
  LB_ROUTE_GUARD_PID=
  local lb=${CB_API_ENDPOINT%:*} dev
  dev=$(ip route show default | awk '{print $5; exit}')
  ip route replace local "$lb" dev "$dev" table local proto 66 || log "could not restore the local route for $lb: the guest agent will"
}

main() {
  validate_settings
  local command=${1:-bootstrap}
  if is_true "$CB_DRY_RUN"; then
    [[ $command == bootstrap ]] || die "CB_DRY_RUN supports bootstrap only"
    dry_run
    return
  fi
  [[ $CB_STORE != dir ]] || mkdir -p "$CB_STORE_PATH"
  case $command in
  elect) elect ;;
  addons) addons ;;
  refresh-join) refresh_join ;;
  snapshot) snapshot ;;
  bootstrap)
    if [[ -f /etc/kubernetes/kubelet.conf ]]; then
      # GCE runs the startup script on every boot: a node that has joined already must
      # not init or join again (either would reset it). Its etcd volume is in fstab and
      # kubelet restarts the static pods.
      log "already a node of the cluster (/etc/kubernetes/kubelet.conf): nothing to do"
      [[ $CB_ROLE == worker ]] || install_timers
      return
    fi
    if is_true "$CB_INSTALL"; then
      prepare_kernel
      install_packages
    fi
    local version ip
    version=$(kubernetes_version)
    ip=$(node_ip)
    if [[ $CB_ROLE == worker ]]; then
      join_cluster "$version" "$ip"
      return
    fi
    mount_etcd_volume
    if [[ $(elect) == init ]]; then
      init_cluster "$version" "$ip"
    else
      lb_route_guard_start
      trap lb_route_guard_stop EXIT
      join_cluster "$version" "$ip"
      lb_route_guard_stop
    fi
    install_timers
    log "control-plane member $CB_MEMBER_NAME ready"
    # A process of its own (set -e holds in it, as under its timer): an add-on that
    # cannot be installed yet fails only this step, and its timer tries again; the
    # member is ready either way.
    "$INSTALLED_SCRIPT" addons || log "addons: not converged yet; clusterbench-addons.timer tries again every 10 minutes"
    ;;
  *) die "unknown command $command (bootstrap, refresh-join, snapshot, elect, addons)" ;;
  esac
}

main "$@"
