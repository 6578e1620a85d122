// The `ricci` command: forward the arguments to the library, print, exit with its status.

import Foundation
import Ricci

let result = CommandLineTool.run(Array(CommandLine.arguments.dropFirst()))
FileHandle.standardOutput.write(Data(result.output.utf8))
FileHandle.standardError.write(Data(result.error.utf8))
exit(result.status)
