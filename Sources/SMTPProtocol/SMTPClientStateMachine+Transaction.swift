extension SMTPClientStateMachine {
    /// One message in flight: the replies still due, in order, and those received so far.
    struct Transaction: Sendable {
        /// A command whose reply is due.
        enum Step: Hashable, Sendable {
            case reset, mail, recipient(Int), data
            /// The dot-stuffed content and its final dot.
            case content
            /// A lone dot after a 354 that came although no recipient was accepted (RFC 2920 §3.1).
            case emptyContent
        }

        let message: SMTPClientMessage
        /// MAIL, RCPT… and DATA went as one group (RFC 2920 §3.1).
        let isPipelined: Bool
        /// Replies due, oldest first: pipelined replies are matched to commands in this order.
        var expected: [Step] = []
        var mailReply: SMTPReply?
        var recipientReplies: [SMTPReply?]
        var dataReply: SMTPReply?
        var contentReply: SMTPReply?

        init(message: SMTPClientMessage, isPipelined: Bool) {
            self.message = message
            self.isPipelined = isPipelined
            self.recipientReplies = Array(repeating: nil, count: message.recipients.count)
        }

        var isMailAccepted: Bool { mailReply?.code.isPositiveCompletion ?? false }

        var hasAcceptedRecipient: Bool {
            isMailAccepted && recipientReplies.contains { $0?.code.isPositiveCompletion ?? false }
        }

        /// The reply that decides recipient `index`: the first refusal among MAIL, its RCPT and
        /// DATA, otherwise the reply to the content; nil while undecided.
        func decidingReply(for index: Int) -> SMTPReply? {
            if let mailReply, !mailReply.code.isPositiveCompletion { return mailReply }
            if let reply = recipientReplies[index], !reply.code.isPositiveCompletion { return reply }
            if let dataReply, dataReply.code != .startMailInput { return dataReply }
            return contentReply
        }

        /// The reply that decided the whole transaction (see ``SMTPDeliveryResult/finalReply``).
        var finalReply: SMTPReply? {
            if let contentReply { return contentReply }
            let replies = [mailReply] + recipientReplies + [dataReply]
            return replies.lazy.compactMap { $0 }.first {
                !$0.code.isPositiveCompletion && $0.code != .startMailInput
            }
        }

        /// The result once the transaction is over; recipients still undecided get `error`, or
        /// its reply when that answered a command of this transaction (a 421 to RCPT, say).
        func result(abortedBy error: SMTPClientError? = nil) -> SMTPDeliveryResult {
            let transactionReply = error.flatMap { error in
                error.stage.flatMap { [.mail, .recipient, .data, .content].contains($0) ? error.reply : nil }
            }
            let recipients = message.recipients.indices.map { index in
                let outcome: SMTPRecipientResult.Outcome
                if let reply = decidingReply(for: index) {
                    outcome = .reply(reply)
                } else if let reply = transactionReply {
                    outcome = .reply(reply)
                } else {
                    outcome = .failed(error ?? .connectionClosed)
                }
                return SMTPRecipientResult(recipient: message.recipients[index], outcome: outcome)
            }
            let final = transactionReply ?? finalReply
            return SMTPDeliveryResult(recipients: recipients, finalReply: final, error: error)
        }
    }

    /// Sends one message on a ready session; a session that is not ready, or a message the server
    /// cannot take as it is (SIZE, 8BITMIME, SMTPUTF8), gets its result at once, unsent.
    ///
    /// With PIPELINING (RFC 2920 §3.1), RSET when needed, MAIL, every RCPT and DATA leave in
    /// one write and their replies are matched in order; without it, one command per reply.
    public mutating func sendMessage(_ message: SMTPClientMessage) -> Action {
        guard case .ready = state else {
            return .deliver(SMTPDeliveryResult(notSent: message, error: isClosed ? .connectionClosed : .notReady))
        }
        if let refusal = message.refusal(by: capabilities) {
            return .deliver(SMTPDeliveryResult(notSent: message, error: refusal))
        }
        var transaction = Transaction(message: message, isPipelined: configuration.usesPipelining && capabilities.pipelining)
        var bytes: [UInt8] = []
        if needsReset {
            bytes += Array("RSET\r\n".utf8)
            transaction.expected.append(.reset)
        }
        if transaction.isPipelined || !needsReset {
            bytes += message.mailCommand(capabilities: capabilities)
            transaction.expected.append(.mail)
        }
        if transaction.isPipelined {
            for index in message.recipients.indices {
                bytes += message.recipientCommand(index)
                transaction.expected.append(.recipient(index))
            }
            bytes += Array("DATA\r\n".utf8)
            transaction.expected.append(.data)
        }
        state = .transaction(transaction)
        return .send(bytes)
    }

    /// Matches `reply` to the oldest command still waiting for one.
    mutating func transactionReply(_ reply: SMTPReply, _ transaction: Transaction) -> Action? {
        var transaction = transaction
        guard !transaction.expected.isEmpty else { return fail(.unexpectedReply(.idle, reply), quit: false) }
        let step = transaction.expected.removeFirst()
        // RFC 5321 §3.8: a 421 at any step means the server is closing; undecided recipients get it.
        if reply.closesConnection {
            return fail(.unexpectedReply(Self.stage(of: step), reply), quit: false)
        }
        switch step {
        case .reset:
            // RFC 5321 §4.1.1.5: RSET must succeed; a server that refuses it cannot be trusted
            // with the transaction that follows.
            guard reply.code.isPositiveCompletion else { return refuse(reply, at: .reset) }
            needsReset = false
            if !transaction.isPipelined {
                transaction.expected.append(.mail)
                state = .transaction(transaction)
                return .send(transaction.message.mailCommand(capabilities: capabilities))
            }
        case .mail:
            transaction.mailReply = reply
            if !transaction.isPipelined {
                guard reply.code.isPositiveCompletion else { return finish(transaction) }
                return sendRecipient(0, transaction)
            }
        case .recipient(let index):
            transaction.recipientReplies[index] = reply
            if !transaction.isPipelined {
                if index + 1 < transaction.message.recipients.count { return sendRecipient(index + 1, transaction) }
                guard transaction.hasAcceptedRecipient else {
                    // MAIL was accepted, so the server is inside a transaction until RSET.
                    needsReset = true
                    return finish(transaction)
                }
                transaction.expected.append(.data)
                state = .transaction(transaction)
                return .send(Array("DATA\r\n".utf8))
            }
        case .data:
            transaction.dataReply = reply
            guard reply.code == .startMailInput else {
                needsReset = transaction.isMailAccepted
                return finish(transaction)
            }
            guard transaction.hasAcceptedRecipient else {
                // RFC 2920 §3.1: DATA accepted with no valid recipient; a lone dot sends nothing.
                transaction.expected.append(.emptyContent)
                state = .transaction(transaction)
                return .send(Array(".\r\n".utf8))
            }
            transaction.expected.append(.content)
            state = .transaction(transaction)
            return .send(transaction.message.encodedData)
        case .content:
            // RFC 5321 §4.1.1.4: the final reply ends the transaction, whatever it says.
            transaction.contentReply = reply
            return finish(transaction)
        case .emptyContent:
            needsReset = true
            return finish(transaction)
        }
        state = .transaction(transaction)
        return nil
    }

    private mutating func sendRecipient(_ index: Int, _ transaction: Transaction) -> Action {
        var transaction = transaction
        transaction.expected.append(.recipient(index))
        state = .transaction(transaction)
        return .send(transaction.message.recipientCommand(index))
    }

    private mutating func finish(_ transaction: Transaction) -> Action {
        state = .ready
        if configuration.resetsBetweenMessages { needsReset = true }
        return .deliver(transaction.result())
    }

    private static func stage(of step: Transaction.Step) -> SMTPClientStage {
        switch step {
        case .reset: .reset
        case .mail: .mail
        case .recipient: .recipient
        case .data: .data
        case .content, .emptyContent: .content
        }
    }
}
