import Hummingbird
import KerbsideCore
import NIOCore
import Synchronization

/// Signs are polled many times a second: their answers are encoded once per snapshot and served as bytes.
final class SignAnswerCache: Sendable {
    struct Answers: Sendable {
        var generation: UInt64
        var list: ByteBuffer
        var json: [String: ByteBuffer]
        var text: [String: ByteBuffer]
    }

    private let answers = Mutex<Answers?>(nil)

    func answers(for published: PublishedSnapshot) throws -> Answers {
        if let cached = answers.withLock({ $0 }), cached.generation == published.generation { return cached }
        let models = published.snapshot.signs.map(SignModel.init)
        var json: [String: ByteBuffer] = [:]
        var text: [String: ByteBuffer] = [:]
        for (model, sign) in zip(models, published.snapshot.signs) {
            json[model.id] = try JSONResponse.encode(model)
            text[model.id] = ByteBuffer(string: sign.text + "\n")
        }
        let fresh = Answers(
            generation: published.generation,
            list: try JSONResponse.encode(models),
            json: json,
            text: text
        )
        answers.withLock { current in
            if (current?.generation ?? 0) <= fresh.generation { current = fresh }
        }
        return fresh
    }
}
