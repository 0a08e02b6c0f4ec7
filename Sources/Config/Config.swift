// Config: see ../shared/DESIGN.md. Filled in by its issue's work.
public enum ConfigModule { public static let name = "Config" }
