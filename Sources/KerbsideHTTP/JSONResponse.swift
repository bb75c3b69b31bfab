import Foundation
import Hummingbird
import KerbsideCore
import NIOCore

/// Encodes API bodies: snake_case keys come from the models' coding keys, dates are RFC 3339 UTC.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date, fractionalDigits: 3))
        }
        return encoder
    }

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try encoder().encode(value))
    }

    static func make(_ value: some Encodable) throws -> Response {
        response(body: try encode(value))
    }

    static func response(body: ByteBuffer, contentType: String = "application/json; charset=utf-8") -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: body)
        )
    }
}
