import Foundation
import SMTPProtocol

/// Makes the messages of a run: RFC 5322 text of exactly the requested size (when that size
/// holds at least the header section), with a unique Message-ID each.
struct LoadMessageFactory: Sendable {
    let sender: String
    let recipient: String
    let size: Int
    /// One date for the run, in RFC 5322 §3.3 form.
    let date: String
    /// Distinguishes this run's Message-IDs from any other run's.
    let runID: String

    init(sender: String, recipient: String, size: Int, now: Date = Date()) {
        self.sender = sender
        self.recipient = recipient
        self.size = size
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        self.date = formatter.string(from: now)
        self.runID = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 36)
    }

    /// Message `sequence` of connection `connection`.
    func message(connection: Int, sequence: Int) -> SMTPClientMessage {
        var text = "From: <\(sender)>\r\n"
        text += "To: <\(recipient)>\r\n"
        text += "Subject: envoi loadgen \(connection)/\(sequence)\r\n"
        text += "Date: \(date)\r\n"
        text += "Message-ID: <\(runID).\(connection).\(sequence)@loadgen.envoi.test>\r\n"
        text += "MIME-Version: 1.0\r\n"
        text += "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        var content = Array(text.utf8)
        content.reserveCapacity(max(size, content.count))
        appendBody(to: &content)
        return SMTPClientMessage(reversePath: sender, recipients: [recipient], content: content)
    }

    /// Fills the body with lines of at most 78 characters (RFC 5322 §2.1.1), each ended by CRLF,
    /// up to `size` bytes in all.
    private func appendBody(to content: inout [UInt8]) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var line = 0
        // Each turn adds at least three bytes, so the loop ends at `size`.
        while size - content.count >= 3 {
            let remaining = size - content.count
            var length = min(76, remaining - 2)
            // A leftover of one or two bytes cannot be a line of its own: shorten this one.
            if (1...2).contains(remaining - length - 2) { length -= 3 }
            for index in 0..<length {
                content.append(alphabet[(line + index) % alphabet.count])
            }
            content.append(contentsOf: [0x0D, 0x0A])
            line += 1
        }
        // Only a header section within two bytes of `size` leaves this; the session adds the CRLF.
        content.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, size - content.count)))
    }
}
