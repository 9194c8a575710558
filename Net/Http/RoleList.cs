namespace MiniMesos.Net.Http;

internal sealed record RoleList(IReadOnlyList<RoleView> Roles);
