// Declarations of variables and functions, and the environment inference completes.

/// A structural property of a square matrix variable. Properties restrict the values a
/// variable takes (and so the test points of verification) and enable simplifications
/// (`S' = S`); entries of a variable are still independent when differentiating.
public enum MatrixProperty: String, Hashable, Sendable, CaseIterable {
    /// `S' = S`.
    case symmetric
    /// Symmetric positive definite: `S' = S`, `x'Sx > 0`; invertible, `logdet` defined.
    case spd
    /// Zero off the diagonal; symmetric.
    case diagonal
}

/// A variable declaration `NAME:DIMS[:PROPERTY]`: `X:m,k`, `a:m`, `c:` (scalar),
/// `S:n,n:spd`, `A:3,4`.
public struct VariableDeclaration: Hashable, Sendable {
    /// The variable's name.
    public var name: String
    /// Its shape (`m×1` for a vector, `1×1` for a scalar).
    public var shape: Shape
    /// A property of a square matrix, if declared.
    public var property: MatrixProperty?

    /// A declaration of `name` with `shape` and an optional property.
    public init(name: String, shape: Shape, property: MatrixProperty? = nil) {
        self.name = name
        self.shape = shape
        self.property = property
    }
}

/// How a declared function maps its argument.
public enum DeclaredFunctionKind: String, Hashable, Sendable {
    /// Entry by entry: `sigma(M)` has `M`'s shape; its derivative is written `sigma'(M)`.
    case elementwise
    /// A scalar function of a matrix: `lambda(M)` is a scalar; its gradient is `grad_lambda(M)`.
    case scalar
}

/// A function declaration `NAME:elementwise` or `NAME:scalar`.
public struct FunctionDeclaration: Hashable, Sendable {
    /// The function's name.
    public var name: String
    /// Element-wise or scalar.
    public var kind: DeclaredFunctionKind

    /// A declaration of `name` as `kind`.
    public init(name: String, kind: DeclaredFunctionKind) {
        self.name = name
        self.kind = kind
    }
}

/// Everything a user declared for one problem.
public struct Declarations: Hashable, Sendable {
    /// Declared variables, in the order given.
    public var variables: [VariableDeclaration]
    /// Declared functions, in the order given.
    public var functions: [FunctionDeclaration]

    /// The given declarations.
    public init(variables: [VariableDeclaration] = [], functions: [FunctionDeclaration] = []) {
        self.variables = variables
        self.functions = functions
    }
}

/// A variable of a problem with its (declared or inferred) shape.
public struct Variable: Hashable, Sendable {
    /// The name.
    public var name: String
    /// Its shape.
    public var shape: Shape
    /// Its property, if declared.
    public var property: MatrixProperty?
    /// False when the shape was inferred from the expression.
    public var isDeclared: Bool

    /// A variable with these attributes.
    public init(name: String, shape: Shape, property: MatrixProperty? = nil, isDeclared: Bool) {
        self.name = name
        self.shape = shape
        self.property = property
        self.isDeclared = isDeclared
    }

    /// True when the variable's value satisfies `V' = V` (declared symmetric, spd, diagonal,
    /// or a scalar).
    public var isSymmetric: Bool { property != nil || shape.isScalar }
}

/// The variables and functions of a problem, every shape known: the declarations completed
/// by inference.
public struct Environment: Hashable, Sendable {
    /// Every variable of the expression (and every declared one), by name.
    public var variables: [String: Variable]
    /// Declared functions, by name.
    public var functions: [String: DeclaredFunctionKind]

    /// An environment with these variables and functions.
    public init(variables: [String: Variable] = [:], functions: [String: DeclaredFunctionKind] = [:]) {
        self.variables = variables
        self.functions = functions
    }
}
