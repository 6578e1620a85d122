// The `ricci` command: split the arguments, call the library, print, exit with its status.

import Foundation
import Ricci

print("ricci \(Ricci.version)")
