lib.callback.register('ox_stash:zone', function()
    return 'legion', GetGameTimer()
end)

---`/stash [slot]` and `/stash take <slot> [count]`.
RegisterCommand('stash', function(_, args)
    CreateThread(function()
        if args[1] == 'take' then
            local ok, left = lib.callback.await('ox_stash:take', false, tonumber(args[2]) or 1, tonumber(args[3]) or 1)
            print(ok and ('taken, %d left'):format(left) or 'nothing to take')
        else
            -- `false`: no throttle; it is ox's delay argument, not a callback argument.
            local content, _, size = lib.callback.await('ox_stash:open', false, tonumber(args[1]))
            print(('stash of %d slots'):format(size or 0), json.encode(content))
        end
    end)
end, false)
