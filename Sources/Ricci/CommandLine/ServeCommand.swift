// `ricci serve [--host H] [--port N]`: the page and the endpoint, until interrupted.

import Foundation

enum ServeCommand {
    /// Starts the server (``DerivativeService/startServer(host:port:limits:)``), prints its
    /// address, and serves until the process is interrupted.
    static func run(_ options: Options) throws -> CommandResult {
        try options.requireNoArguments(of: "serve")
        let server: HTTPServer
        do {
            server = try DerivativeService.startServer(host: options.host, port: options.port)
        } catch let error as ServerError {
            throw UsageError(error.description)
        }
        FileHandle.standardOutput.write(Data("Ricci at http://\(server.host):\(server.port)/\n".utf8))
        while true { sleep(3600) }
    }
}
