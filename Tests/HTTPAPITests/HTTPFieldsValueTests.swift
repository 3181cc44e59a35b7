import HTTPTypes
@testable import HTTPAPI
import Testing

/// `value(_:)` answers what the subscript answers, in every case the signature check meets.
@Suite struct HTTPFieldsValueTests {
    @Test(arguments: [
        HTTPFields(),
        [.date: "Thu, 03 Dec 2026 10:00:00 GMT", .contentLength: "12"],
        // Several fields of one name: joined with ", " as the signer joined them.
        HTTPFields([HTTPField(name: .date, value: "a"), HTTPField(name: .accept, value: "x"), HTTPField(name: .date, value: "b")]),
        HTTPFields([HTTPField(name: .cookie, value: "a=1"), HTTPField(name: .cookie, value: "b=2")]),
        [.date: ""],
    ])
    func answersAsTheSubscriptDoes(fields: HTTPFields) {
        for name in [HTTPField.Name.date, .contentLength, .accept, .cookie, .authorization] {
            #expect(fields.value(name) == fields[name], "\(name)")
        }
    }

    @Test func namesMatchWhateverTheirCase() {
        let fields = HTTPFields([HTTPField(name: HTTPField.Name("X-Content-SHA256")!, value: "digest")])
        #expect(fields.value(HTTPField.Name("x-content-sha256")!) == "digest")
    }
}
