// The peak resident memory of this process so far.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The high-water mark of the resident set: the most physical memory the process has held at
/// any moment since it started. It never decreases, so reading it after a section of the run
/// gives the peak up to the end of that section.
enum PeakMemory {
    /// The peak resident set in megabytes (2^20 bytes): `VmHWM` of `/proc/self/status` where
    /// there is one (Linux), else `getrusage`'s `ru_maxrss`; `nil` when neither is available.
    static func megabytes() -> Double? {
        if let kilobytes = highWaterMarkFromProc() { return kilobytes / 1024 }
        return maximumResidentSetFromRusage()
    }

    /// `VmHWM` in kilobytes, from a line such as `VmHWM:\t   23456 kB`.
    private static func highWaterMarkFromProc() -> Double? {
        // /proc files report a size of 0, so read them to the end rather than by their size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status"),
              let data = try? handle.readToEnd(),
              let status = String(data: data, encoding: .utf8) else { return nil }
        try? handle.close()
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.dropFirst("VmHWM:".count).split(whereSeparator: \.isWhitespace)
            return fields.first.flatMap { Double($0) }
        }
        return nil
    }

    /// `ru_maxrss` in megabytes: kilobytes on Linux, bytes on Darwin.
    private static func maximumResidentSetFromRusage() -> Double? {
        var usage = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        return Double(usage.ru_maxrss) / (1024 * 1024)
        #else
        // Glibc imports RUSAGE_SELF as an enum case, getrusage takes its raw value.
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return nil }
        return Double(usage.ru_maxrss) / 1024
        #endif
    }
}
