using MiniMesos.Core.Model;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// The offer mechanism of the master: tracks each agent's free resources, hands them out as offers in the
/// order <see cref="DrfSorter"/>s choose, expires and rescinds offers, applies decline filters and
/// validates accepts. Fairness is two-level as in Mesos: roles by weighted DRF first, then the
/// frameworks of the chosen role. Pure and single-threaded: time arrives as milliseconds, ids are counters.
/// </summary>
internal sealed class Allocator(AllocatorOptions? options = null)
{
    private readonly AllocatorOptions _options = options ?? new AllocatorOptions();
    private readonly DrfSorter _roles = new();
    private readonly Dictionary<string, DrfSorter> _frameworksByRole = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, AgentState> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrameworkState> _frameworks = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Offer> _offers = new(StringComparer.Ordinal);
    private long _nextOfferId = 1;

    private sealed class AgentState(AgentRecord record, ResourceSet total)
    {
        public readonly AgentRecord Record = record;
        public readonly ResourceSet Total = total;
        public ResourceSet Free = total;
        public readonly Dictionary<string, ResourceSet> UsedBy = new(StringComparer.Ordinal);
    }

    private sealed class FrameworkState(string role)
    {
        public readonly string Role = role;
        public bool Suppressed;
        public readonly Dictionary<string, long> FilteredUntilMs = new(StringComparer.Ordinal);
    }

    /// <summary>The framework's weighted dominant share among the frameworks of its role.</summary>
    public double ShareOf(string frameworkId) => _frameworksByRole[Framework(frameworkId).Role].Share(frameworkId);

    /// <summary>The role's weighted dominant share among roles.</summary>
    public double RoleShare(string role) => _roles.Share(role);

    /// <summary>The role's weight, or null for a role the allocator does not know yet.</summary>
    public double? RoleWeight(string role) => _roles.Contains(role) ? _roles.WeightOf(role) : null;

    /// <summary>Sets a role's weight (default 1); a role with weight 2 is entitled to twice the share.</summary>
    public void SetRoleWeight(string role, double weight)
    {
        _roles.Add(role, weight);
        _frameworksByRole.TryAdd(role, new DrfSorter());
        UpdateTotal();
    }

    public IReadOnlyCollection<Offer> OutstandingOffers => _offers.Values;

    public ResourceSet FreeOn(string agentId) => _agents[agentId].Free;

    public void AddAgent(AgentRecord agent, PortRanges ports = default)
    {
        if (_agents.ContainsKey(agent.Id)) throw new InvalidOperationException($"agent '{agent.Id}' is already known");
        _agents[agent.Id] = new AgentState(agent, new ResourceSet(agent.Total, ports));
        UpdateTotal();
    }

    /// <summary>Removes an agent; its outstanding offers are rescinded and its usage leaves the shares.</summary>
    public IReadOnlyList<Rescind> RemoveAgent(string agentId, string reason)
    {
        if (!_agents.Remove(agentId, out var agent)) return [];
        var rescinds = new List<Rescind>();
        foreach (var offer in _offers.Values.Where(o => o.AgentId == agentId).ToList())
        {
            _offers.Remove(offer.Id);
            Credit(offer.FrameworkId, offer.Resources.Scalars);
            rescinds.Add(new Rescind(offer.Id, offer.FrameworkId, agentId, $"agent '{agentId}' is gone: {reason}"));
        }
        foreach (var (fw, used) in agent.UsedBy) Credit(fw, used.Scalars);
        UpdateTotal();
        return rescinds;
    }

    /// <summary>Registers a framework in a role ("*" by default) with a weight among that role's frameworks.</summary>
    public void AddFramework(string frameworkId, double weight = 1.0, string role = "*")
    {
        if (_frameworks.TryGetValue(frameworkId, out var existing) && existing.Role != role)
            throw new InvalidOperationException($"framework '{frameworkId}' is registered in role '{existing.Role}', not '{role}'");
        if (!_roles.Contains(role)) SetRoleWeight(role, 1.0);
        _frameworksByRole[role].Add(frameworkId, weight);
        _frameworks.TryAdd(frameworkId, new FrameworkState(role));
    }

    /// <summary>Removes a framework and rescinds its offers; resources of its running tasks stay used until recovered.</summary>
    public IReadOnlyList<Rescind> RemoveFramework(string frameworkId)
    {
        if (!_frameworks.TryGetValue(frameworkId, out var state)) return [];
        var rescinds = new List<Rescind>();
        foreach (var offer in _offers.Values.Where(o => o.FrameworkId == frameworkId).ToList())
        {
            ReturnOffer(offer);
            rescinds.Add(new Rescind(offer.Id, frameworkId, offer.AgentId, $"framework '{frameworkId}' was removed"));
        }
        // Its running tasks leave the role's share too: recoveries for an unknown framework only free the agent.
        var sorter = _frameworksByRole[state.Role];
        _roles.Unallocated(state.Role, sorter.AllocationOf(frameworkId));
        sorter.Remove(frameworkId);
        _frameworks.Remove(frameworkId);
        return rescinds;
    }

    /// <summary>A suppressed framework gets no offers until it revives.</summary>
    public void Suppress(string frameworkId) => Framework(frameworkId).Suppressed = true;

    /// <summary>Offers again to a suppressed framework, keeping its decline filters (unlike <see cref="Revive"/>).</summary>
    public void Unsuppress(string frameworkId) => Framework(frameworkId).Suppressed = false;

    public bool IsSuppressed(string frameworkId) => Framework(frameworkId).Suppressed;

    /// <summary>Clears the framework's decline filters and suppression (Mesos REVIVE).</summary>
    public void Revive(string frameworkId)
    {
        var fw = Framework(frameworkId);
        fw.Suppressed = false;
        fw.FilteredUntilMs.Clear();
    }

    /// <summary>Marks resources as used by a task that is already running (after a master fail-over).</summary>
    public void RestoreUsage(string frameworkId, string agentId, ResourceSet used)
    {
        var agent = _agents[agentId];
        agent.Free -= used;
        agent.UsedBy[frameworkId] = agent.UsedBy.GetValueOrDefault(frameworkId, ResourceSet.Empty) + used;
        Charge(frameworkId, used.Scalars);
    }

    /// <summary>A task ended: its resources go back to the agent's free pool and out of the framework's share.</summary>
    public void Recover(string frameworkId, string agentId, ResourceSet resources)
    {
        if (!_agents.TryGetValue(agentId, out var agent)) return;
        agent.Free += resources;
        if (agent.UsedBy.TryGetValue(frameworkId, out var used)) agent.UsedBy[frameworkId] = used - resources;
        Credit(frameworkId, resources.Scalars);
    }

    /// <summary>
    /// One allocation pass at <paramref name="nowMs"/>: expires old offers, then offers each agent's free
    /// resources (agents in id order) to the framework with the lowest dominant share that is neither
    /// suppressed nor filtered for that agent. The sorter is re-consulted after every offer.
    /// </summary>
    public AllocationRound Allocate(long nowMs)
    {
        var rescinds = new List<Rescind>();
        foreach (var offer in _offers.Values.Where(o => o.ExpiresAtMs <= nowMs).ToList())
        {
            ReturnOffer(offer);
            rescinds.Add(new Rescind(offer.Id, offer.FrameworkId, offer.AgentId,
                $"offer timeout: not answered within {_options.OfferTimeoutMs / 1000.0:0.###} s"));
        }
        foreach (var fw in _frameworks.Values)
        {
            foreach (var agentId in fw.FilteredUntilMs.Where(kv => kv.Value <= nowMs).Select(kv => kv.Key).ToList())
                fw.FilteredUntilMs.Remove(agentId);
        }

        var offers = new List<Offer>();
        foreach (var agent in _agents.Values)
        {
            if (!Allocatable(agent.Free.Scalars)) continue;
            var frameworkId = Pick(agent.Record.Id);
            if (frameworkId is null) continue;
            var offer = new Offer($"{_options.OfferIdPrefix}{_nextOfferId++}", frameworkId, agent.Record.Id,
                agent.Record.Hostname, agent.Record.Attributes, agent.Free, nowMs, nowMs + _options.OfferTimeoutMs);
            agent.Free = ResourceSet.Empty;
            _offers[offer.Id] = offer;
            Charge(frameworkId, offer.Resources.Scalars);
            offers.Add(offer);
        }
        return new AllocationRound(offers, rescinds);
    }

    /// <summary>
    /// Declines offers; their resources return to the pool but are not offered to this framework on the
    /// same agent for <paramref name="refuseSeconds"/> (default from options). Returns null or why not.
    /// </summary>
    public string? Decline(string frameworkId, IReadOnlyList<string> offerIds, long nowMs, double? refuseSeconds = null)
    {
        foreach (var id in offerIds)
        {
            var problem = Ownership(frameworkId, id);
            if (problem is not null) return problem;
        }
        foreach (var id in offerIds)
        {
            var offer = _offers[id];
            ReturnOffer(offer);
            Filter(frameworkId, offer.AgentId, nowMs, refuseSeconds);
        }
        return null;
    }

    /// <summary>
    /// Accepts offers (all on one agent) to launch tasks. Every check names what failed. A refused accept
    /// still uses up the framework's own offers (as in Mesos), so their resources are recovered.
    /// Unused resources of an accepted offer return to the pool under a refuse filter.
    /// </summary>
    public AcceptResult Accept(string frameworkId, IReadOnlyList<string> offerIds, IReadOnlyList<TaskLaunch> launches,
        long nowMs, double? refuseSeconds = null)
    {
        if (!_frameworks.ContainsKey(frameworkId)) return AcceptResult.Refuse($"framework '{frameworkId}' is not registered");
        if (offerIds.Count == 0) return AcceptResult.Refuse("no offer ids given");
        if (offerIds.Distinct(StringComparer.Ordinal).Count() != offerIds.Count) return AcceptResult.Refuse("an offer id is given twice");
        foreach (var id in offerIds)
        {
            var problem = Ownership(frameworkId, id);
            if (problem is not null) return AcceptResult.Refuse(problem);
        }
        var offers = offerIds.Select(id => _offers[id]).ToList();
        foreach (var o in offers) _offers.Remove(o.Id);

        var reason = CheckOffers(offers, nowMs) ??
            AcceptValidation.Check(launches, offers.Aggregate(ResourceSet.Empty, (sum, o) => sum + o.Resources),
                offers.Count == 1 ? $"offer '{offers[0].Id}'" : $"offers {string.Join(", ", offers.Select(o => $"'{o.Id}'"))}");
        if (reason is not null)
        {
            foreach (var o in offers) ReturnOffer(o, alreadyRemoved: true);
            return AcceptResult.Refuse(reason);
        }

        var agent = _agents[offers[0].AgentId];
        var offered = offers.Aggregate(ResourceSet.Empty, (sum, o) => sum + o.Resources);
        var used = launches.Aggregate(ResourceSet.Empty, (sum, l) => sum + l.Resources);
        var unused = offered - used;
        agent.Free += unused;
        agent.UsedBy[frameworkId] = agent.UsedBy.GetValueOrDefault(frameworkId, ResourceSet.Empty) + used;
        Credit(frameworkId, unused.Scalars);
        Filter(frameworkId, agent.Record.Id, nowMs, refuseSeconds);
        return AcceptResult.Ok(agent.Record.Id, launches);
    }

    private string? CheckOffers(List<Offer> offers, long nowMs)
    {
        var expired = offers.FirstOrDefault(o => o.ExpiresAtMs <= nowMs);
        if (expired is not null) return $"offer '{expired.Id}' expired at {expired.ExpiresAtMs} ms (now {nowMs} ms)";
        var agentIds = offers.Select(o => o.AgentId).Distinct(StringComparer.Ordinal).ToList();
        if (agentIds.Count > 1) return $"offers span agents {string.Join(" and ", agentIds.Select(a => $"'{a}'"))}; one accept uses one agent";
        return _agents.ContainsKey(agentIds[0]) ? null : $"agent '{agentIds[0]}' is not registered";
    }

    private string? Ownership(string frameworkId, string offerId)
    {
        if (!_offers.TryGetValue(offerId, out var offer))
            return $"offer '{offerId}' is unknown (never made, or already accepted, declined or rescinded)";
        return offer.FrameworkId == frameworkId ? null
            : $"offer '{offerId}' was made to framework '{offer.FrameworkId}', not '{frameworkId}'";
    }

    private void ReturnOffer(Offer offer, bool alreadyRemoved = false)
    {
        if (!alreadyRemoved) _offers.Remove(offer.Id);
        Credit(offer.FrameworkId, offer.Resources.Scalars);
        if (_agents.TryGetValue(offer.AgentId, out var agent)) agent.Free += offer.Resources;
    }

    private void Filter(string frameworkId, string agentId, long nowMs, double? refuseSeconds)
    {
        var seconds = refuseSeconds ?? _options.DefaultRefuseSeconds;
        if (seconds <= 0 || !_frameworks.TryGetValue(frameworkId, out var fw)) return;
        fw.FilteredUntilMs[agentId] = nowMs + (long)Math.Ceiling(seconds * 1000);
    }

    private bool Allocatable(Resources free) => free.Cpus >= _options.MinCpus || free.MemMb >= _options.MinMemMb;

    private FrameworkState Framework(string id) =>
        _frameworks.TryGetValue(id, out var fw) ? fw : throw new InvalidOperationException($"framework '{id}' is not registered");

    /// <summary>The lowest-share role with an eligible framework, then that role's lowest-share eligible framework.</summary>
    private string? Pick(string agentId)
    {
        foreach (var role in _roles.Sort())
        {
            foreach (var frameworkId in _frameworksByRole[role].Sort())
            {
                var fw = _frameworks[frameworkId];
                if (!fw.Suppressed && !fw.FilteredUntilMs.ContainsKey(agentId)) return frameworkId;
            }
        }
        return null;
    }

    private void Charge(string frameworkId, Resources resources)
    {
        if (!_frameworks.TryGetValue(frameworkId, out var fw)) return;
        _roles.Allocated(fw.Role, resources);
        _frameworksByRole[fw.Role].Allocated(frameworkId, resources);
    }

    private void Credit(string frameworkId, Resources resources)
    {
        if (!_frameworks.TryGetValue(frameworkId, out var fw)) return;
        _roles.Unallocated(fw.Role, resources);
        _frameworksByRole[fw.Role].Unallocated(frameworkId, resources);
    }

    private void UpdateTotal()
    {
        var total = new Resources(0, 0);
        foreach (var agent in _agents.Values) total += agent.Total.Scalars;
        _roles.SetTotal(total);
        foreach (var sorter in _frameworksByRole.Values) sorter.SetTotal(total);
    }
}
