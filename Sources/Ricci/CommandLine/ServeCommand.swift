// `ricci serve [--host H] [--port N]`: the page and the endpoint, until interrupted.

import Foundation

enum ServeCommand {
    /// Starts the server, prints its address, and serves until the process is interrupted.
    /// On the loopback address only requests that name it (`127.0.0.1:port` or
    /// `localhost:port`) are answered; another host serves every name.
    static func run(_ options: Options) throws -> CommandResult {
        try options.requireNoArguments(of: "serve")
        let server: HTTPServer
        let host = options.host
        // The allowed Host values are known once the port is: a box filled after binding.
        final class Hosts: @unchecked Sendable { var allowed: Set<String>? }
        let hosts = Hosts()
        do {
            server = try HTTPServer(host: host, port: options.port) { request in
                DerivativeService.respond(to: request, allowedHosts: hosts.allowed)
            }
        } catch let error as ServerError {
            throw UsageError(error.description)
        }
        if host == "127.0.0.1" {
            hosts.allowed = ["127.0.0.1:\(server.port)", "localhost:\(server.port)"]
        }
        server.start()
        FileHandle.standardOutput.write(Data("Ricci at http://\(host):\(server.port)/\n".utf8))
        while true { sleep(3600) }
    }
}
