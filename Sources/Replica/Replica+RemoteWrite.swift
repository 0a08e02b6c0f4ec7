import Config
import Foundation
import HTTPAPI
import MetricModel
import Relabeling
import Remote

extension ReplicaConfig {
    /// The config's `remote_write` entries as the Remote module's queue settings.
    func remoteWriteSettings(userAgent: String) -> [RemoteWriteSettings] {
        prometheus.remoteWriteConfigs.map { c in
            var s = RemoteWriteSettings(name: c.effectiveName, url: c.url)
            s.timeout = c.remoteTimeout.duration
            s.headers = c.headers.map { ($0.name, $0.value) }
            s.userAgent = userAgent
            let hc = c.httpClientConfig
            (s.auth, s.tls) = Self.clientSettings(hc)
            s.proxyURL = hc.proxyURL
            s.followRedirects = hc.followRedirects
            let q = c.queueConfig
            s.capacity = q.capacity
            s.shards = min(max(2, q.minShards), q.maxShards)
            s.maxSamplesPerSend = q.maxSamplesPerSend
            s.batchSendDeadline = q.batchSendDeadline.duration
            s.minBackoff = q.minBackoff.duration
            s.maxBackoff = q.maxBackoff.duration
            s.retryOnRateLimit = q.retryOnRateLimit
            s.sampleAgeLimit = q.sampleAgeLimit == .zero ? nil : q.sampleAgeLimit.duration
            s.externalLabels = externalLabels
            let rules = c.writeRelabelConfigs
            if !rules.isEmpty { s.relabel = { relabel(labels: $0, configs: rules) } }
            // Same entry text and same external labels: the same queue across a reload.
            s.identity = c.rawYAML + "\u{0}" + externalLabels.description
            return s
        }
    }
}

/// `prometheus_remote_storage_*` families (names and labels as Prometheus 3 exports them).
struct RemoteWriteMetrics: MetricsCollector {
    let storage: RemoteWriteStorage

    func collect(into w: inout MetricsTextWriter) {
        let all = storage.stats()
        w.family("prometheus_remote_storage_highest_timestamp_in_seconds", help: "Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch. Initialized to 0 when no data has been received yet.", type: "gauge")
        w.sample("prometheus_remote_storage_highest_timestamp_in_seconds", storage.highestTimestampInSeconds)
        guard !all.isEmpty else { return }
        func family(_ name: String, _ help: String, _ type: String, _ value: (RemoteWriteQueueStats) -> Double) {
            w.family(name, help: help, type: type)
            for s in all { w.sample(name, labels: [("remote_name", s.name), ("url", s.url)], value(s)) }
        }
        family("prometheus_remote_storage_samples_total", "Total number of samples sent to remote storage.", "counter") { Double($0.samplesSent) }
        family("prometheus_remote_storage_samples_failed_total", "Total number of samples which failed on send to remote storage, non-recoverable errors.", "counter") { Double($0.samplesFailed) }
        family("prometheus_remote_storage_samples_retried_total", "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.", "counter") { Double($0.samplesRetried) }
        w.family("prometheus_remote_storage_samples_dropped_total", help: "Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling, due to being too old or unintentionally because of an unknown reference ID.", type: "counter")
        for s in all {
            for (reason, v) in [("dropped_series", s.droppedRelabel), ("queue_full", s.droppedQueueFull), ("too_old", s.droppedTooOld)] {
                w.sample("prometheus_remote_storage_samples_dropped_total", labels: [("reason", reason), ("remote_name", s.name), ("url", s.url)], Double(v))
            }
        }
        family("prometheus_remote_storage_samples_in_total", "Samples in to remote storage, compare to samples out for queue managers.", "counter") { Double($0.samplesIn) }
        family("prometheus_remote_storage_samples_pending", "The number of samples pending in the queues shards to be sent to the remote storage.", "gauge") { Double($0.samplesPending) }
        family("prometheus_remote_storage_bytes_total", "The total number of bytes of data (not metadata) sent by the queue after compression.", "counter") { Double($0.bytesSent) }
        family("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.", "gauge") { $0.highestSentTimestampSeconds }
        family("prometheus_remote_storage_shards", "The number of shards used for parallel sending to the remote storage.", "gauge") { Double($0.shards) }
        family("prometheus_remote_storage_shard_capacity", "The capacity of each shard of the queue used for parallel sending to the remote storage.", "gauge") { Double($0.shardCapacity) }
        family("prometheus_remote_storage_max_samples_per_send", "The maximum number of samples to be sent, in a single request, to the remote storage.", "gauge") { Double($0.maxSamplesPerSend) }
    }
}
