import HTTPTypes

extension HTTPFields {
    /// The value of the field `name`, as the subscript gives it (several fields of one name
    /// joined with ", "), without the subscript's two scans and joined copy when the field
    /// occurs once, as request headers almost always do.
    func value(_ name: HTTPField.Name) -> String? {
        guard let first = firstIndex(where: { $0.name == name }) else { return nil }
        if self[index(after: first)...].contains(where: { $0.name == name }) { return self[name] }
        return self[first].value
    }
}
