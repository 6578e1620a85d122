// A small HTTP/1.1 server on the platform's sockets: one request per connection, bounded.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP request as the server read it.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path, without the query (`/api/derivative`).
    public var path: String
    /// Header fields, names in lower case.
    public var headers: [String: String]
    /// The body (empty without `Content-Length`).
    public var body: [UInt8]
}

/// An HTTP response: status, content type, body, and extra header fields.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)] = []

    public init(status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON response.
    public static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(value.text.utf8))
    }

    /// A JSON error `{"error": message}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, .object([("error", .string(message))]))
    }

    /// The standard reason phrase of the status.
    var reason: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 421: return "Misdirected Request"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// The response as bytes on the wire (`Connection: close`: one request per connection).
    var wire: [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        head += "Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}

/// The bounds a server keeps: they make a slow, large or numerous client cost it little.
public struct ServerLimits: Sendable {
    /// Largest request head (request line and header fields), in bytes.
    public var maximumHeadBytes = 16 * 1024
    /// Largest request body, in bytes.
    public var maximumBodyBytes = 64 * 1024
    /// Seconds a client has to send its whole request.
    public var requestSeconds = 10.0
    /// Connections served at once; more wait in the listen queue.
    public var maximumConnections = 32

    public init() {}
}

/// Why a server could not start.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// An HTTP/1.1 server: binds `host:port`, accepts connections on a thread of its own, reads
/// one request from each within the limits, answers it with `handler`'s response (or a 4xx
/// for a malformed, slow or oversized request) and closes the connection.
public final class HTTPServer: @unchecked Sendable {
    /// The port it listens on (the one the system chose, for port 0).
    public let port: UInt16
    /// The address it is bound to.
    public let host: String
    private let socket: Int32
    private let limits: ServerLimits
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let slots: DispatchSemaphore

    /// Binds and listens (IPv4: `host` is a dotted address such as `127.0.0.1`); call
    /// ``start()`` to accept.
    public init(host: String = "127.0.0.1", port: UInt16 = 0, limits: ServerLimits = ServerLimits(),
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        // A write to a client that went away must fail with EPIPE, not end the process.
        signal(SIGPIPE, SIG_IGN)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw ServerError(description: "cannot listen on \(host): not an IPv4 address such as 127.0.0.1")
        }
        #if canImport(Glibc)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ServerError(description: "cannot open a socket: \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 512) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ServerError(description: "cannot listen on \(host):\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.socket = descriptor
        self.port = UInt16(bigEndian: actual.sin_port)
        self.host = host
        self.limits = limits
        self.handler = handler
        self.slots = DispatchSemaphore(value: limits.maximumConnections)
    }

    /// Accepts connections on a new thread until ``stop()``; each is served on a thread of its own, at
    /// most ``ServerLimits/maximumConnections`` at once (the accept loop waits for a free
    /// slot, so a burst queues in the kernel's listen queue instead of failing).
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting (connections being served finish).
    public func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func acceptLoop() {
        while true {
            slots.wait()
            let client = accept(socket, nil, nil)
            if client < 0 {
                slots.signal()
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    continue
                }
                return
            }
            // A thread per connection, not a shared queue: a worker blocks on its client's
            // socket, and a pool of blocked workers would make the next client wait for one.
            let worker = Thread { [self] in
                serve(client)
                slots.signal()
            }
            worker.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        // The whole request must arrive within the time limit: each read waits at most what
        // is left of it.
        let deadline = Date().addingTimeInterval(limits.requestSeconds)
        let response: HTTPResponse
        switch readRequest(client, deadline: deadline) {
        case .success(let request): response = handler(request)
        case .failure(let failure): response = .error(failure.status, failure.message)
        }
        send(response.wire, to: client)
        // Let the client read the answer before the connection closes.
        shutdown(client, Int32(SHUT_WR))
    }

    struct RequestFailure: Error {
        let status: Int
        let message: String
    }

    private func readRequest(_ client: Int32, deadline: Date) -> Result<HTTPRequest, RequestFailure> {
        var buffer: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard buffer.count <= limits.maximumHeadBytes else {
                return .failure(RequestFailure(status: 431, message: "the request head is larger than \(limits.maximumHeadBytes) bytes"))
            }
            switch receive(client, into: &buffer, deadline: deadline) {
            case .timedOut: return .failure(RequestFailure(status: 408, message: "the request did not arrive within \(Int(limits.requestSeconds)) s"))
            case .closed: return .failure(RequestFailure(status: 400, message: "the connection closed before the request ended"))
            case .received: headEnd = Self.endOfHead(buffer)
            }
        }
        guard headEnd! <= limits.maximumHeadBytes else {
            return .failure(RequestFailure(status: 431, message: "the request head is larger than \(limits.maximumHeadBytes) bytes"))
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, requestLine[1].hasPrefix("/") else {
            return .failure(RequestFailure(status: 400, message: "a malformed request line (expected METHOD /path HTTP/1.1)"))
        }
        guard requestLine[2] == "HTTP/1.1" || requestLine[2] == "HTTP/1.0" else {
            return .failure(RequestFailure(status: 505, message: "only HTTP/1.1 and HTTP/1.0 are served"))
        }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                return .failure(RequestFailure(status: 400, message: "a malformed header field: \(line.prefix(60))"))
            }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["transfer-encoding"] != nil {
            return .failure(RequestFailure(status: 501, message: "chunked bodies are not accepted: send Content-Length"))
        }
        var length = 0
        if let field = headers["content-length"] {
            guard let value = Int(field), value >= 0 else {
                return .failure(RequestFailure(status: 400, message: "Content-Length is not a number: \(field.prefix(40))"))
            }
            length = value
        }
        guard length <= limits.maximumBodyBytes else {
            return .failure(RequestFailure(status: 413, message: "the body is larger than \(limits.maximumBodyBytes) bytes"))
        }
        var body = Array(buffer[(headEnd! + 4)...])
        while body.count < length {
            switch receive(client, into: &body, deadline: deadline) {
            case .timedOut: return .failure(RequestFailure(status: 408, message: "the body did not arrive within \(Int(limits.requestSeconds)) s"))
            case .closed: return .failure(RequestFailure(status: 400, message: "the body is shorter than its Content-Length"))
            case .received: continue
            }
        }
        let target = requestLine[1]
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return .success(HTTPRequest(method: String(requestLine[0]), path: String(path), headers: headers,
                                    body: Array(body.prefix(length))))
    }

    /// The offset of the blank line that ends the head (`\r\n\r\n`), if it arrived.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for offset in 0...(bytes.count - 4)
        where bytes[offset] == 13 && bytes[offset + 1] == 10 && bytes[offset + 2] == 13 && bytes[offset + 3] == 10 {
            return offset
        }
        return nil
    }

    enum Received { case received, closed, timedOut }

    /// Reads what is there (waiting at most until `deadline`) and appends it to `buffer`.
    private func receive(_ client: Int32, into buffer: inout [UInt8], deadline: Date) -> Received {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return .timedOut }
        var descriptor = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(remaining, 60) * 1000) + 1)
        if ready == 0 { return .timedOut }
        if ready < 0 { return errno == EINTR ? .received : .closed }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(client, &chunk, chunk.count, 0)
        if count <= 0 { return count < 0 && errno == EINTR ? .received : .closed }
        buffer.append(contentsOf: chunk[..<count])
        return .received
    }

    private func send(_ bytes: [UInt8], to client: Int32) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { pointer -> Int in
                #if canImport(Glibc)
                return Glibc.send(client, pointer.baseAddress, pointer.count, Int32(MSG_NOSIGNAL))
                #else
                return Darwin.send(client, pointer.baseAddress, pointer.count, 0)
                #endif
            }
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                return
            }
            sent += count
        }
    }
}
