package import HTTPTypes

extension HTTPFields {
    /// `self[name]` — the field's value, several joined as the subscript joins them — without the subscript's generic
    /// joining machinery when the field occurs once, the usual case: the Authorization header is read on every request.
    package func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}
