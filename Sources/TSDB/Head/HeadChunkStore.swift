#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import MetricModel
import Synchronization

/// Where the head's closed chunks live: outside the Swift heap, in fixed-size regions
/// (Prometheus `chunks_head`, memory-mapped head chunks).
///
/// - With a directory, each region is a file `<dir>/chunks_head/NNNNNN` (sparse, sized up front),
///   written with pwrite(2) and read through a shared read-only mapping, so closed chunks cost page
///   cache, not resident heap. The files are a cache of what the WAL holds: they are wiped on open
///   and rebuilt by replay, never read back across restarts.
/// - Without a directory (or after a write error), regions are anonymous mappings: contiguous
///   bytes with no per-chunk allocation.
///
/// A chunk is addressed by `(region << 32) | offset`. Regions are dropped whole when every chunk
/// in them ends before a truncation point. Thread-safe; a chunk must only be read while its owner
/// still references it (the head reads under the series' stripe lock, and truncation drops the
/// references under those locks before it drops regions).
final class HeadChunkStore: Sendable {
    struct Region {
        var base: UInt  // mapping address bit pattern
        var fd: Int32  // -1 for anonymous
        var path: String?
        var maxTime: Timestamp = .min
    }

    struct State {
        var regions: [UInt32: Region] = [:]
        var current: UInt32 = 0
        var used = 0
        var next: UInt32 = 0
        var anonymousOnly: Bool
    }

    let dir: String?
    let regionSize: Int
    let logger: Logger
    let m: Mutex<State>

    init(dir: String?, regionSize: Int = 64 << 20, logger: Logger) {
        self.regionSize = regionSize
        self.logger = logger
        var d = dir.map { $0 + "/chunks_head" }
        if let path = d {
            try? FileManager.default.removeItem(atPath: path)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                logger.error("cannot create chunks_head; keeping head chunks in memory", metadata: ["error": "\(error)"])
                d = nil
            }
        }
        self.dir = d
        m = Mutex(State(anonymousOnly: d == nil))
    }

    deinit {
        m.withLock { st in
            for (_, r) in st.regions { Self.unmap(r, size: regionSize, unlinkFile: false) }
            st.regions.removeAll()
        }
    }

    /// Copies a chunk's bytes into the store; returns its address.
    func write(_ bytes: UnsafeRawBufferPointer, maxTime: Timestamp) -> UInt64 {
        let n = bytes.count
        precondition(n <= regionSize, "chunk larger than a head chunk region")
        // Reserve space under the lock; copy outside it (regions are never moved).
        let (idx, off, region): (UInt32, Int, Region) = m.withLock { st in
            if st.regions[st.current] == nil || st.used + n > regionSize {
                let idx = st.next
                st.next += 1
                st.regions[idx] = openRegion(idx, &st)
                st.current = idx
                st.used = 0
            }
            let off = st.used
            st.used += n
            if maxTime > st.regions[st.current]!.maxTime { st.regions[st.current]!.maxTime = maxTime }
            return (st.current, off, st.regions[st.current]!)
        }
        let b = bytes
        let ok: Bool = {
            if region.fd < 0 {
                UnsafeMutableRawPointer(bitPattern: region.base)!.advanced(by: off).copyMemory(from: b.baseAddress!, byteCount: n)
                return true
            }
            var done = 0
            while done < n {
                let w = pwrite(region.fd, b.baseAddress! + done, n - done, off_t(off + done))
                if w < 0 && errno == EINTR { continue }
                if w <= 0 { return false }
                done += w
            }
            return true
        }()
        if ok { return UInt64(idx) << 32 | UInt64(off) }
        // Disk trouble: keep this chunk and all later ones in anonymous memory instead.
        logger.error("writing a head chunk file failed; keeping head chunks in memory",
                     metadata: ["file": "\(region.path ?? "")", "errno": "\(errno)"])
        m.withLock { st in
            st.anonymousOnly = true
            st.used = regionSize  // forces a new (anonymous) region
        }
        return write(bytes, maxTime: maxTime)
    }

    /// A copy of `count` bytes at `ref`.
    func read(_ ref: UInt64, count: Int) -> [UInt8] {
        let base: UInt = m.withLock { $0.regions[UInt32(ref >> 32)]?.base ?? 0 }
        guard base != 0 else { return [] }
        let p = UnsafeRawPointer(bitPattern: base)!.advanced(by: Int(ref & 0xFFFF_FFFF))
        return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
    }

    /// Drops regions (not the one being filled) whose chunks all end before `t`.
    func dropRegions(before t: Timestamp) {
        let dropped: [Region] = m.withLock { st in
            let gone = st.regions.filter { $0.key != st.current && $0.value.maxTime < t }
            for k in gone.keys { st.regions[k] = nil }
            return Array(gone.values)
        }
        for r in dropped { Self.unmap(r, size: regionSize, unlinkFile: true) }
    }

    /// Bytes of regions currently mapped (for stats).
    var mappedRegions: Int { m.withLock { $0.regions.count } }

    private func openRegion(_ idx: UInt32, _ st: inout State) -> Region {
        if !st.anonymousOnly, let dir {
            let path = dir + "/" + String(format: "%06u", idx)
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd >= 0 && ftruncate(fd, off_t(regionSize)) == 0 {
                let p = mmap(nil, regionSize, PROT_READ, MAP_SHARED, fd, 0)
                if let p, p != MAP_FAILED {
                    return Region(base: UInt(bitPattern: p), fd: fd, path: path)
                }
            }
            logger.error("cannot map a head chunk file; keeping head chunks in memory",
                         metadata: ["file": "\(path)", "errno": "\(errno)"])
            if fd >= 0 { close(fd) }
            unlink(path)
            st.anonymousOnly = true
        }
        let p = mmap(nil, regionSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { fatalError("cannot map \(regionSize) bytes of anonymous memory") }
        return Region(base: UInt(bitPattern: p), fd: -1, path: nil)
    }

    private static func unmap(_ r: Region, size: Int, unlinkFile: Bool) {
        munmap(UnsafeMutableRawPointer(bitPattern: r.base), size)
        if r.fd >= 0 { close(r.fd) }
        if unlinkFile, let path = r.path { unlink(path) }
    }
}
