namespace MiniMesos.Net.Http;

/// <summary>
/// One role in GET /v1/roles: its weight, the external frameworks subscribed in it, and its dominant share of the
/// cluster as the leader's allocator holds it (offers and tasks of those frameworks), plain and divided by the weight.
/// </summary>
internal sealed record RoleView(string Name, double Weight, IReadOnlyList<string> Frameworks, double Share, double WeightedShare);
