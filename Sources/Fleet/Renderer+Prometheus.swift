import Catalog
import Config

extension Renderer {
    static func global(_ topology: Topology, interval: PromDuration, labels: [(String, String)]) -> YAMLTree {
        Y.map([
            ("scrape_interval", Y.duration(interval)),
            ("evaluation_interval", Y.duration(interval)),
            ("external_labels", Y.map(labels.map { ($0.0, Y.str($0.1)) })),
        ])
    }

    /// Every scrape job of a shard replica before the shard's relabeling: the topology's own
    /// jobs verbatim, then the generated `exporter` and `promfleet` (self-scrape) jobs.
    static func scrapeJobs(_ topology: Topology) throws -> [YAMLTree] {
        var jobs: [YAMLTree] = []
        for source in topology.scrapeConfigs {
            guard let node = try YAMLTree.compose(source.yaml) else { continue }
            jobs.append(node)
        }
        if let exporter = topology.exporter {
            jobs.append(Y.map([
                ("job_name", Y.str("exporter")),
                ("static_configs", Y.seq([Y.map([("targets", Y.strs(exporter.targets(host: topology.ports.host)))])])),
            ]))
        }
        if topology.selfScrape {
            let groups = topology.members().map { m in
                Y.map([("targets", Y.strs([m.address])),
                       ("labels", Y.map([("member", Y.str(m.name)), ("role", Y.str(m.role.rawValue))]))])
            }
            jobs.append(Y.map([("job_name", Y.str("promfleet")), ("static_configs", Y.seq(groups))]))
        }
        return jobs
    }

    /// The two rules that make a replica scrape only its shard's slice of targets.
    public static func shardRelabelRules(shardBy: [String], shards: Int, index: Int) -> [YAMLTree] {
        [
            Y.map([("source_labels", Y.flow(shardBy)), ("modulus", Y.int(shards)),
                   ("target_label", Y.str(hashLabel)), ("action", Y.str("hashmod"))]),
            Y.map([("source_labels", Y.flow([hashLabel])), ("regex", Y.str(String(index))),
                   ("action", Y.str("keep"))]),
        ]
    }

    /// Appends `rules` to a scrape job's `relabel_configs` (creating it when absent).
    static func appendingRelabel(_ job: YAMLTree, _ rules: [YAMLTree]) -> YAMLTree {
        guard case .mapping(var m) = job.kind else { return job }
        if let i = m.firstIndex(where: { $0.key.scalar == "relabel_configs" }) {
            if case .sequence(let existing) = m[i].value.kind {
                m[i].value = YAMLTree(.sequence(existing + rules), style: m[i].value.style)
            } else {
                m[i].value = Y.seq(rules)
            }
        } else {
            m.append((key: YAMLTree(.scalar("relabel_configs")), value: Y.seq(rules)))
        }
        var out = job
        out.kind = .mapping(m)
        return out
    }

    static func shardPrometheusYAML(_ topology: Topology, _ m: MemberPlan) throws -> String {
        let index = m.shardIndex!
        let rules = shardRelabelRules(shardBy: topology.shardBy, shards: topology.shards, index: index)
        let jobs = try scrapeJobs(topology).map { appendingRelabel($0, rules) }
        let root = Y.map([
            ("global", global(topology, interval: topology.scrapeInterval,
                              labels: [(fleetLabel, topology.fleet), (shardLabel, String(index)), (replicaLabel, m.replica)])),
            ("scrape_configs", Y.seq(jobs)),
        ])
        return header(topology, m, "shard \(index) of \(topology.shards), replica \(m.replica)") + (try Y.emit(root))
    }

    /// One `/federate` job per shard. A plain Prometheus pulls from both replicas of a shard; the
    /// `replica` label is dropped so both yield the same series (promfleet's federator reads
    /// federator.yml instead and pulls from one healthy replica at a time).
    static func federatorPrometheusYAML(_ topology: Topology, _ m: MemberPlan, _ members: [MemberPlan]) throws -> String {
        let federation = topology.federation!
        let jobs = (0..<topology.shards).map { shard in
            Y.map([
                ("job_name", Y.str("federate-shard-\(shard)")),
                ("scrape_interval", Y.duration(federation.scrapeInterval)),
                ("honor_labels", Y.bool(true)),
                ("metrics_path", Y.str("/federate")),
                ("params", Y.map([("match[]", Y.strs(federation.match))])),
                ("static_configs", Y.seq([Y.map([
                    ("targets", Y.strs(members.filter { $0.role == .replica && $0.shardIndex == shard }.map(\.address))),
                ])])),
                ("metric_relabel_configs", Y.seq([Y.map([("action", Y.str("labeldrop")),
                                                         ("regex", Y.str(replicaLabel))])])),
            ])
        }
        let root = Y.map([
            ("global", global(topology, interval: federation.scrapeInterval,
                              labels: [(fleetLabel, topology.fleet), (replicaLabel, m.replica)])),
            ("scrape_configs", Y.seq(jobs)),
        ])
        return header(topology, m, "federator replica \(m.replica)") + (try Y.emit(root))
    }
}
