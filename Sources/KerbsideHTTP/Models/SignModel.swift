import Foundation
import KerbsideCore

struct SignModel: Encodable, Sendable {
    let id: String
    let name: String
    let zones: [String]
    /// `null` while the status is `unknown`: a sign must never show a number it cannot vouch for.
    let free: Nullable<Int>
    let capacity: Int
    let outOfService: Int
    let coverage: Double
    let status: SignStatus
    let text: String
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, zones, free, capacity, coverage, status, text
        case outOfService = "out_of_service"
        case updatedAt = "updated_at"
    }

    init(_ sign: SignFigures) {
        id = sign.id
        name = sign.name
        zones = sign.zones
        free = Nullable(sign.status == .unknown ? nil : sign.free)
        capacity = sign.capacity
        outOfService = sign.outOfService
        // Two decimals are all a sign needs, and they keep the retained topic from changing on noise.
        coverage = (sign.coverage * 100).rounded() / 100
        status = sign.status
        text = sign.text
        updatedAt = sign.updatedAt
    }
}
