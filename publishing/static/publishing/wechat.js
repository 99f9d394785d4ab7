'use strict';
// The desk's WeChat export (templates/publishing/admin_post_wechat.html): "Copy for WeChat"
// puts the post on the clipboard as formatted text (text/html), as the editor takes it.
{
    const button = document.getElementById('wechat-copy');
    const status = document.getElementById('wechat-status');
    if (button && status) {
        button.addEventListener('click', async () => {
            try {
                const html = await (await fetch(button.dataset.source, {credentials: 'same-origin'})).text();
                const body = new DOMParser().parseFromString(html, 'text/html').body.innerHTML;
                await navigator.clipboard.write([new ClipboardItem({
                    'text/html': new Blob([body], {type: 'text/html'}),
                    'text/plain': new Blob([body], {type: 'text/plain'}),
                })]);
                status.textContent = button.dataset.done;
            } catch (error) {
                status.textContent = button.dataset.failed;
            }
        });
    }
}
