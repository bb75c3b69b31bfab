import Foundation
import Hummingbird
import KerbsideCore
import NIOCore

extension KerbsideRouter {
    /// Schedules, assignments, overrides, plans and the audit trail: reads need `viewer`, writes `lighting`.
    static func addDimmingRoutes(
        to router: Router<KerbsideRequestContext>,
        lighting: any LightingControlling,
        maxBodyBytes: Int
    ) {
        router.get("/api/v1/lighting/schedules") { _, context in
            try context.require(.viewer)
            return try JSONResponse.make(lighting.schedules().map(ScheduleModel.init))
        }
        router.get("/api/v1/lighting/schedules/:id") { _, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            guard let schedule = lighting.schedule(id: id) else { throw APIError.notFound("schedule", id: id) }
            return try JSONResponse.make(ScheduleModel(schedule))
        }
        router.put("/api/v1/lighting/schedules/:id") { request, context in
            let actor = try context.require(.lighting)
            let id = try context.parameters.require("id")
            let document = try await decode(ScheduleDocument.self, request, maxBodyBytes, what: "a schedule")
            return try JSONResponse.make(ScheduleModel(try await lighting.putSchedule(id: id, document, by: actor)))
        }
        router.delete("/api/v1/lighting/schedules/:id") { _, context in
            let actor = try context.require(.lighting)
            try await lighting.deleteSchedule(id: try context.parameters.require("id"), by: actor)
            return Response(status: .noContent)
        }
        router.put("/api/v1/lighting/groups/:id/schedule") { request, context in
            let actor = try context.require(.lighting)
            let group = try context.parameters.require("id")
            let body = try await decode(
                AssignmentRequest.self,
                request,
                maxBodyBytes,
                what: "{\"schedule\": id or null}"
            )
            try await lighting.assign(group: group, schedule: body.schedule, by: actor)
            return Response(status: .noContent)
        }
        router.post("/api/v1/lighting/groups/:id/override") { request, context in
            let actor = try context.require(.lighting)
            let group = try context.parameters.require("id")
            let body = try await decode(OverrideRequest.self, request, maxBodyBytes, what: "{\"level\", \"until\"}")
            guard let level = body.level, level.rounded() == level, (0...100).contains(level) else {
                throw APIError.badRequest("level must be a whole percent 0…100")
            }
            guard let untilText = body.until, let until = try? RFC3339.parse(untilText) else {
                throw APIError.badRequest("until must be an RFC 3339 instant such as 2026-11-21T23:00:00Z")
            }
            let override = try await lighting.setOverride(group: group, level: Int(level), until: until, by: actor)
            return try JSONResponse.make(OverrideModel(override))
        }
        router.delete("/api/v1/lighting/groups/:id/override") { _, context in
            let actor = try context.require(.lighting)
            try await lighting.clearOverride(group: try context.parameters.require("id"), by: actor)
            return Response(status: .noContent)
        }
        router.get("/api/v1/lighting/groups/:id/plan") { request, context in
            try context.require(.viewer)
            let group = try context.parameters.require("id")
            guard let text = request.uri.queryParameters.get("date"), let day = LocalDay.parse(text[...]),
                (1900...2200).contains(day.year)
            else {
                throw APIError.badRequest("date must be a local date YYYY-MM-DD between 1900 and 2200")
            }
            guard let plan = lighting.plan(group: group, day: day) else {
                throw APIError.notFound("light group", id: group)
            }
            return try JSONResponse.make(plan.map(PlanEntryModel.init))
        }
        router.get("/api/v1/lighting/audit") { request, context in
            try context.require(.viewer)
            let now = Date()
            let to = try HistoryQuery.instant(request.uri.queryParameters, "to") ?? now.addingTimeInterval(1)
            let from = try HistoryQuery.instant(request.uri.queryParameters, "from") ?? .distantPast
            return try JSONResponse.make(
                try await lighting.audit(from: from, to: to, limit: 1000).map(AuditEntryModel.init)
            )
        }
    }

    private static func decode<Body: Decodable>(
        _ type: Body.Type,
        _ request: Request,
        _ maxBodyBytes: Int,
        what: String
    ) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            // A body without Content-Length (chunked) that runs past the limit.
            throw APIError(
                .contentTooLarge,
                code: "too_large",
                message: "request body exceeds the limit of \(maxBodyBytes) bytes"
            )
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer: buffer))
        } catch {
            throw APIError.badRequest("the body must be JSON for \(what): \(error)")
        }
    }
}
