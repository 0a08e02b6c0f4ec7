public enum FleetModule { public static let name = "Fleet" }
