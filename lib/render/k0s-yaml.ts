import { stringify } from "yaml";

/**
 * /etc/k0s/k0s.yaml. Images keep their upstream names (containerd's mirror config redirects
 * them), so k0s needs no image overrides; telemetry is off because nothing leaves an airgap.
 */
export function renderK0sYaml(clusterName = "k0s"): string {
  const config = {
    apiVersion: "k0s.k0sproject.io/v1beta1",
    kind: "ClusterConfig",
    metadata: { name: clusterName },
    spec: {
      images: { default_pull_policy: "IfNotPresent" },
      telemetry: { enabled: false },
    },
  };
  return `# Managed by k0rdent airgap console. Workers take their settings from the join token.\n${stringify(config)}`;
}
