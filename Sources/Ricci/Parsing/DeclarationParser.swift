// Reads `--var` and `--func` declarations and checks that a set of them is consistent.

/// A declaration that is malformed or that contradicts another one.
///
/// Declarations are separate from the expression, so these errors carry no source range:
/// the message quotes the declaration instead, and a caret under the expression would point
/// at the wrong text.
public struct DeclarationError: RicciError, Hashable {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// A `--var` text that is not `NAME:DIMS[:PROPERTY]`; `reason` says which part.
        case malformedVariable(declaration: String, reason: String)
        /// A `--func` text that is not `NAME:elementwise` or `NAME:scalar`.
        case malformedFunction(declaration: String, reason: String)
        /// A property (symmetric, spd, diagonal) on a shape that is not square.
        case propertyNeedsSquareShape(name: String, property: MatrixProperty, shape: Shape)
        /// The same variable declared twice.
        case duplicateVariable(String)
        /// The same function declared twice.
        case duplicateFunction(String)
        /// A name declared both as a variable and as a function.
        case variableAndFunction(String)
        /// A declared name that is not a valid name, or that belongs to a built-in function.
        case invalidName(String, reason: String)
        /// A dimension of a declared shape that is neither a valid name nor a positive size.
        case invalidDimension(variable: String, Dimension)
    }

    /// What went wrong.
    public let kind: Kind

    /// An error of `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    /// Declarations are not in the expression: no range.
    public var range: SourceRange? { nil }

    /// Declaration errors are bad input (exit status 2).
    public var category: ErrorCategory { .badInput }

    /// The one-line message.
    public var message: String {
        switch kind {
        case .malformedVariable(let declaration, let reason):
            return "bad variable declaration '\(declaration)': \(reason); expected NAME:DIMS[:PROPERTY] such as X:m,k, a:m, c: or S:n,n:spd"
        case .malformedFunction(let declaration, let reason):
            return "bad function declaration '\(declaration)': \(reason); expected NAME:elementwise or NAME:scalar"
        case .propertyNeedsSquareShape(let name, let property, let shape):
            return "\(name) is declared \(property.rawValue) but its shape \(shape) is not square"
        case .duplicateVariable(let name):
            return "variable \(name) is declared twice"
        case .duplicateFunction(let name):
            return "function \(name) is declared twice"
        case .variableAndFunction(let name):
            return "\(name) is declared both as a variable and as a function"
        case .invalidName(let name, let reason):
            return "'\(name)' cannot be declared: \(reason)"
        case .invalidDimension(let variable, let dimension):
            return "the dimension '\(dimension)' of \(variable) is neither a name nor a positive integer"
        }
    }

    // MARK: Catalog

    static func malformedVariable(_ declaration: String, _ reason: String) -> DeclarationError {
        .init(.malformedVariable(declaration: declaration, reason: reason))
    }

    static func malformedFunction(_ declaration: String, _ reason: String) -> DeclarationError {
        .init(.malformedFunction(declaration: declaration, reason: reason))
    }

    /// The reason a name cannot be declared, or `nil` when it can: it must be a valid name
    /// and not a built-in function, `I` or `ones`.
    static func problem(withName name: String) -> String? {
        if !NameConventions.isValidName(name) {
            return "a name is a letter followed by letters, digits and _"
        }
        if NameConventions.reservedNames.contains(name) {
            return "\(name) is a built-in function"
        }
        return nil
    }
}

/// `text` without leading and trailing whitespace.
private func trimmingWhitespace(_ text: Substring) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}

extension VariableDeclaration {
    /// Reads a variable declaration `NAME:DIMS[:PROPERTY]`.
    ///
    /// `DIMS` is empty or `scalar` for a scalar (`c:`, `c:scalar`), one dimension for a column
    /// vector (`a:m` is `m×1`), or two for a matrix (`X:m,k`, `A:3,4`); a dimension is a name
    /// or a positive integer. `PROPERTY` is `symmetric`, `spd` or `diagonal` and needs a
    /// square shape (`S:n,n:spd`). Whitespace around the parts is ignored. Throws
    /// ``DeclarationError``.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(trimmingWhitespace)
        guard parts.count >= 2 else {
            throw DeclarationError.malformedVariable(text, "missing ':' after the name")
        }
        guard parts.count <= 3 else {
            throw DeclarationError.malformedVariable(text, "too many ':'")
        }
        let name = parts[0]
        if let problem = DeclarationError.problem(withName: name) {
            throw DeclarationError(.invalidName(name, reason: problem))
        }
        let shape = try Self.shape(parts[1], in: text, hasProperty: parts.count == 3)
        var property: MatrixProperty?
        if parts.count == 3 {
            guard let declared = MatrixProperty(rawValue: parts[2]) else {
                let known = MatrixProperty.allCases.map(\.rawValue).joined(separator: ", ")
                throw DeclarationError.malformedVariable(text, "unknown property '\(parts[2])' (known: \(known))")
            }
            guard shape.isSquare else {
                throw DeclarationError(.propertyNeedsSquareShape(name: name, property: declared, shape: shape))
            }
            property = declared
        }
        self.init(name: name, shape: shape, property: property)
    }

    /// The shape written as `DIMS`.
    private static func shape(_ dims: String, in text: String, hasProperty: Bool) throws -> Shape {
        if dims.isEmpty || dims == "scalar" { return .scalar }
        let items = dims.split(separator: ",", omittingEmptySubsequences: false).map(trimmingWhitespace)
        guard items.count <= 2 else {
            throw DeclarationError.malformedVariable(text, "a shape has at most two dimensions")
        }
        var dimensions: [Dimension] = []
        for item in items {
            if let size = Int(item), item.allSatisfy({ $0.isASCII && $0.isNumber }) {
                guard size > 0 else {
                    throw DeclarationError.malformedVariable(text, "a size must be positive")
                }
                dimensions.append(.fixed(size))
            } else if NameConventions.isValidName(item) {
                // `x:spd` is almost certainly a property without its shape.
                if !hasProperty, items.count == 1, MatrixProperty(rawValue: item) != nil {
                    throw DeclarationError.malformedVariable(
                        text, "'\(item)' is a property; give the shape first, as in S:n,n:\(item)")
                }
                dimensions.append(.named(item))
            } else {
                let shown = item.isEmpty ? "an empty dimension" : "'\(item)'"
                throw DeclarationError.malformedVariable(
                    text, "\(shown) is neither a dimension name nor a positive integer")
            }
        }
        return dimensions.count == 1 ? .vector(dimensions[0]) : Shape(dimensions[0], dimensions[1])
    }
}

extension FunctionDeclaration {
    /// Reads a function declaration `NAME:elementwise` (applied entry by entry, derivative
    /// written `NAME'(…)`) or `NAME:scalar` (a scalar function of a matrix, gradient written
    /// `grad_NAME(…)`). A declared name cannot start with `grad_`, which names gradients.
    /// Throws ``DeclarationError``.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(trimmingWhitespace)
        guard parts.count == 2 else {
            throw DeclarationError.malformedFunction(
                text, parts.count < 2 ? "missing ':' after the name" : "too many ':'")
        }
        let name = parts[0]
        if let problem = FunctionDeclaration.problem(withName: name) {
            throw DeclarationError(.invalidName(name, reason: problem))
        }
        guard let kind = DeclaredFunctionKind(rawValue: parts[1]) else {
            throw DeclarationError.malformedFunction(text, "unknown kind '\(parts[1])'")
        }
        self.init(name: name, kind: kind)
    }

    /// The reason a function cannot have this name, or `nil`.
    static func problem(withName name: String) -> String? {
        if let problem = DeclarationError.problem(withName: name) { return problem }
        if name.hasPrefix(NameConventions.gradientPrefix) {
            return "names starting with \(NameConventions.gradientPrefix) are the gradients of scalar functions"
        }
        return nil
    }
}

extension Declarations {
    /// Reads every `--var` and `--func` text and checks them together (see ``validate()``).
    public init(parsingVariables variables: [String], functions: [String]) throws {
        self.init(variables: try variables.map(VariableDeclaration.init(parsing:)),
                  functions: try functions.map(FunctionDeclaration.init(parsing:)))
        try validate()
    }

    /// Checks that the declarations are consistent: valid names, no built-in names, a
    /// property only on a square shape, no name declared twice, and no name declared both
    /// as a variable and as a function. Throws ``DeclarationError``.
    public func validate() throws {
        // Declarations are few: duplicates are found by comparing each name with the earlier
        // ones, which costs less than hashing them.
        for (position, variable) in variables.enumerated() {
            if let problem = DeclarationError.problem(withName: variable.name) {
                throw DeclarationError(.invalidName(variable.name, reason: problem))
            }
            for dimension in [variable.shape.rows, variable.shape.columns] {
                switch dimension {
                case .fixed(let size) where size > 0: continue
                case .named(let name) where NameConventions.isValidName(name): continue
                case .fixed, .named, .product:
                    throw DeclarationError(.invalidDimension(variable: variable.name, dimension))
                }
            }
            if let property = variable.property, !variable.shape.isSquare {
                throw DeclarationError(.propertyNeedsSquareShape(
                    name: variable.name, property: property, shape: variable.shape))
            }
            if variables[..<position].contains(where: { $0.name == variable.name }) {
                throw DeclarationError(.duplicateVariable(variable.name))
            }
        }
        for (position, function) in functions.enumerated() {
            if let problem = FunctionDeclaration.problem(withName: function.name) {
                throw DeclarationError(.invalidName(function.name, reason: problem))
            }
            if functions[..<position].contains(where: { $0.name == function.name }) {
                throw DeclarationError(.duplicateFunction(function.name))
            }
            if variables.contains(where: { $0.name == function.name }) {
                throw DeclarationError(.variableAndFunction(function.name))
            }
        }
    }

    /// The declared functions by name.
    public var functionKinds: [String: DeclaredFunctionKind] {
        Dictionary(functions.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
    }
}
