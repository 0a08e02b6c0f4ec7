// Exposition: see ../shared/DESIGN.md. Filled in by its issue's work.
public enum ExpositionModule { public static let name = "Exposition" }
