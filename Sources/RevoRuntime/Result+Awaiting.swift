extension Result {
    /// The outcome of an async typed-throwing call as a value, so callers can switch on the typed error.
    public init(awaiting body: () async throws(Failure) -> Success) async {
        do throws(Failure) {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
