// Relabeling: see ../shared/DESIGN.md. Filled in by its issue's work.
public enum RelabelingModule { public static let name = "Relabeling" }
