// Catalog: see ../shared/DESIGN.md. Filled in by its issue's work.
public enum CatalogModule { public static let name = "Catalog" }
