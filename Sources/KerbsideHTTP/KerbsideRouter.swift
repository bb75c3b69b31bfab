import Foundation
import Hummingbird
import KerbsideCore
import Logging

/// Builds every route of the HTTP contract in DESIGN.md over a `LiveStateProviding`.
public enum KerbsideRouter {
    /// Every route, with the sign answers shared with a `SignReadFastPath` when `signs` is given (else its own).
    public static func make(
        provider: some LiveStateProviding,
        signs: SignAnswers? = nil,
        lighting: (any LightingControlling)? = nil,
        tokens: [AccessToken],
        maxBodyBytes: Int = 64 * 1024,
        logger: Logger
    ) -> Router<KerbsideRequestContext> {
        let router = Router(context: KerbsideRequestContext.self)
        router.add(middleware: ErrorShaping(logger: logger))
        router.add(middleware: RequestSizeLimit(maxBodyBytes: maxBodyBytes))
        router.add(middleware: AccessControl(tokens: tokens))
        addHealthRoutes(to: router, provider: provider)
        addParkingRoutes(to: router, provider: provider)
        addSignRoutes(to: router, signs: signs ?? SignAnswers(provider: provider))
        addLightingRoutes(to: router, provider: provider, lighting: lighting)
        if let lighting { addDimmingRoutes(to: router, lighting: lighting, maxBodyBytes: maxBodyBytes) }
        addOperationsRoutes(to: router, provider: provider)
        return router
    }

    private static func addHealthRoutes(to router: Router<KerbsideRequestContext>, provider: some LiveStateProviding) {
        router.get("/healthz") { _, _ in
            JSONResponse.response(body: ByteBuffer(string: "{\"status\":\"ok\"}"))
        }
        router.get("/readyz") { _, _ in
            let readiness = provider.readiness()
            var response = try JSONResponse.make(ReadinessModel(readiness))
            if !readiness.isReady { response.status = .serviceUnavailable }
            return response
        }
        router.get("/metrics") { _, context in
            try context.require(.viewer)
            return JSONResponse.response(
                body: ByteBuffer(string: provider.metricsExposition()),
                contentType: "text/plain; version=0.0.4; charset=utf-8"
            )
        }
    }

    private static func addParkingRoutes(to router: Router<KerbsideRequestContext>, provider: some LiveStateProviding) {
        router.get("/api/v1/parking/zones") { _, context in
            try context.require(.viewer)
            return try JSONResponse.make(provider.currentSnapshot().snapshot.zones.map { ZoneModel($0) })
        }
        router.get("/api/v1/parking/zones/:id") { _, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            let snapshot = provider.currentSnapshot().snapshot
            guard let index = snapshot.zones.firstIndex(where: { $0.id == id }) else {
                throw APIError.notFound("parking zone", id: id)
            }
            return try JSONResponse.make(ZoneModel(snapshot.zones[index], bays: snapshot.baysOfZone[index]))
        }
        router.get("/api/v1/parking/zones/:id/history") { request, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            let query = try HistoryQuery(request.uri.queryParameters, now: provider.currentSnapshot().snapshot.takenAt)
            guard let rollups = try provider.zoneHistory(zone: id, from: query.from, to: query.to, step: query.step)
            else { throw APIError.notFound("parking zone", id: id) }
            return try JSONResponse.make(rollups.map(ZoneHistoryModel.init))
        }
        router.get("/api/v1/parking/zones/:id/sessions") { request, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            let query = try HistoryQuery(request.uri.queryParameters, now: provider.currentSnapshot().snapshot.takenAt)
            guard let found = try provider.zoneSessions(zone: id, from: query.from, to: query.to) else {
                throw APIError.notFound("parking zone", id: id)
            }
            return try JSONResponse.make(
                ZoneSessionsModel(from: query.from, to: query.to, sessions: found.sessions, bays: found.bays)
            )
        }
        router.get("/api/v1/parking/bays/:id") { _, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            guard let detail = provider.bayDetail(id: id) else { throw APIError.notFound("parking bay", id: id) }
            return try JSONResponse.make(BayModel(detail))
        }
    }

    private static func addSignRoutes(to router: Router<KerbsideRequestContext>, signs: SignAnswers) {
        @Sendable func respond(_ read: SignRead) throws -> Response {
            guard let (body, contentType) = try signs.answer(read) else {
                throw APIError.notFound("sign", id: read.signID ?? "")
            }
            return JSONResponse.response(body: body, contentType: contentType)
        }
        router.get("/api/v1/signs") { _, _ in try respond(.list) }
        router.get("/api/v1/signs/:id") { _, context in try respond(.json(id: try context.parameters.require("id"))) }
        router.get("/api/v1/signs/:id/text") { _, context in
            try respond(.text(id: try context.parameters.require("id")))
        }
    }

    private static func addLightingRoutes(
        to router: Router<KerbsideRequestContext>,
        provider: some LiveStateProviding,
        lighting: (any LightingControlling)?
    ) {
        router.get("/api/v1/lighting/groups") { _, context in
            try context.require(.viewer)
            return try JSONResponse.make(
                provider.currentSnapshot().snapshot.groups.map {
                    GroupModel($0, control: lighting?.control(group: $0.id))
                }
            )
        }
        router.get("/api/v1/lighting/groups/:id") { _, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            guard let group = provider.currentSnapshot().snapshot.groups.first(where: { $0.id == id }) else {
                throw APIError.notFound("light group", id: id)
            }
            return try JSONResponse.make(GroupModel(group, control: lighting?.control(group: id)))
        }
        router.get("/api/v1/lighting/groups/:id/history") { request, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            let query = try HistoryQuery(request.uri.queryParameters, now: provider.currentSnapshot().snapshot.takenAt)
            guard let rollups = try provider.groupHistory(group: id, from: query.from, to: query.to, step: query.step)
            else { throw APIError.notFound("light group", id: id) }
            return try JSONResponse.make(rollups.map(GroupHistoryModel.init))
        }
        router.get("/api/v1/lighting/groups/:id/nights") { request, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            let query = try NightsQuery(request.uri.queryParameters, now: provider.currentSnapshot().snapshot.takenAt)
            guard let nights = try provider.groupNights(group: id, from: query.from, to: query.to) else {
                throw APIError.notFound("light group", id: id)
            }
            return try JSONResponse.make(nights.map { GroupNightModel(night: $0.night, figures: $0.figures) })
        }
        router.get("/api/v1/lighting/lights/:id") { _, context in
            try context.require(.viewer)
            let id = try context.parameters.require("id")
            guard let detail = provider.lightDetail(id: id) else { throw APIError.notFound("light", id: id) }
            return try JSONResponse.make(LightModel(detail))
        }
    }

    private static func addOperationsRoutes(
        to router: Router<KerbsideRequestContext>,
        provider: some LiveStateProviding
    ) {
        router.get("/api/v1/alarms") { _, context in
            try context.require(.viewer)
            return try JSONResponse.make(provider.currentSnapshot().snapshot.alarms.map(AlarmModel.init))
        }
        router.get("/api/v1/ingest/rejects") { _, context in
            try context.require(.viewer)
            return try JSONResponse.make(RejectsModel(provider.rejectLog()))
        }
    }
}
