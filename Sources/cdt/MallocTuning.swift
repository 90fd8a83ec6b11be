#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How the server asks glibc's allocator to hold memory, set before the server starts its threads.
///
/// By default glibc gives each thread that contends for the heap an arena of its own, up to eight per
/// core, and raises the size from which a block is mapped on its own (and given back when freed) up to
/// 32 MiB as large blocks come and go. A server whose request bodies, result sets and event batches are
/// hundreds of kilobytes to a few megabytes then keeps them in every arena after use: the benchmark's
/// server peaked at 250 MiB. One arena, blocks from 256 KiB mapped on their own and free memory over
/// 1 MiB at a heap's top given back bring the same run to 139–149 MiB; two arenas peaked at 145–182 MiB
/// in the same runs, with no throughput to show for it on two cores (docs/benchmarks.md).
///
/// Each setting the operator gave as glibc's own environment variable (`MALLOC_ARENA_MAX`,
/// `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`) is left as given.
///
/// Freed memory inside an arena (not at its top) stays with the process until `malloc_trim` gives its pages
/// back: a heap profile of the server catching up the coverage module found at most 23 MiB in use while its
/// resident memory was four times that. ``startTrimming(every:)`` trims once a second, so the server
/// returns to about 70 MiB after a burst instead of staying at its peak.
enum MallocTuning {
    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = mallocFunction("mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, arenaMax: Int32 = -8  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX
        if environment["MALLOC_ARENA_MAX"] == nil { _ = mallopt(arenaMax, 1) }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = mallopt(mmapThreshold, 256 * 1024) }
        if environment["MALLOC_TRIM_THRESHOLD_"] == nil { _ = mallopt(trimThreshold, 1024 * 1024) }
        #endif
    }

    /// Gives the pages of freed memory back to the system every `interval` until the task is cancelled;
    /// nil where the allocator has no `malloc_trim`.
    static func startTrimming(every interval: Duration = .seconds(1)) -> Task<Void, Never>? {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = mallocFunction("malloc_trim") else { return nil }
        let mallocTrim = unsafeBitCast(symbol, to: MallocTrim.self)
        return Task.detached(priority: .background) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = mallocTrim(0)
            }
        }
        #else
        return nil
        #endif
    }

    #if canImport(Glibc)
    /// A function of glibc's allocator by name: `mallopt`, `malloc_trim` and their constants are in
    /// malloc.h, which Swift's Glibc module leaves out.
    private static func mallocFunction(_ name: String) -> UnsafeMutableRawPointer? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(process, name)
    }
    #endif
}
