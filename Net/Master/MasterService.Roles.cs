using Microsoft.Extensions.Logging;
using MiniMesos.Core.State;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Master;

/// <summary>
/// Role weights (GET and PUT /v1/roles): replicated in the state, pushed into the leader's allocator when set, when
/// the allocator is created (a new leader) and on every upkeep round (an entry a new leader applied late).
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>Known roles: the default role, roles with a weight, roles frameworks subscribed in; ordered by name.</summary>
    public RoleList RoleViews()
    {
        var state = ReadView;
        var byRole = state.Frameworks.Values.ToLookup(f => f.Role, StringComparer.Ordinal);
        var names = state.RoleWeights.Keys.Concat(state.Frameworks.Values.Select(f => f.Role)).Append(RoleRules.DefaultRole)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new RoleList(names.Select(role =>
        {
            var (held, weighted) = _offers.RoleShare(role);
            return new RoleView(role, state.RoleWeight(role), byRole[role].Select(f => f.Id).Order(StringComparer.Ordinal).ToList(),
                Math.Round(weighted * (held ?? 1), 6), Math.Round(weighted, 6));
        }).ToList());
    }

    /// <summary>Commits a role's weight (validated by the caller with <see cref="RoleRules"/>) and gives it to the allocator.</summary>
    public async Task SetRoleWeightAsync(string role, double weight, CancellationToken cancellationToken)
    {
        await ProposeAsync(new PutRoleWeight(Now(), role, weight), cancellationToken).ConfigureAwait(false);
        _offers.ApplyRoleWeights();
        logger.LogInformation("role {Role}: weight {Weight}", role, weight);
    }
}
