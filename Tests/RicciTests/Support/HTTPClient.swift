// A minimal HTTP client on sockets, for the server's tests: send bytes, read the whole answer.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum HTTPClient {
    /// The status and body of the answer to `request` (raw bytes) sent to 127.0.0.1:`port`;
    /// `pause` seconds pass between connecting and sending (a slow client).
    static func exchange(port: UInt16, _ request: [UInt8], pause: Double = 0) -> (status: Int, body: String)? {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { break }
            answer.append(contentsOf: chunk[..<count])
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n", maxSplits: 1).first,
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? ""),
              let split = text.range(of: "\r\n\r\n")
        else { return nil }
        return (status, String(text[split.upperBound...]))
    }

    /// A `POST` with a JSON body.
    static func post(port: UInt16, _ path: String, json: String) -> (status: Int, body: String)? {
        let body = Array(json.utf8)
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        return exchange(port: port, Array(head.utf8) + body)
    }

    /// A `GET`.
    static func get(port: UInt16, _ path: String, host: String? = nil) -> (status: Int, body: String)? {
        exchange(port: port, Array("GET \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\n\r\n".utf8))
    }
}
