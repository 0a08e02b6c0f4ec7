// PromQL: see ../shared/DESIGN.md. Filled in by its issue's work.
public enum PromQLModule { public static let name = "PromQL" }
