'use strict';
// The desk's fixes to the widgets Django's admin draws with its own scripts, which no
// template or stylesheet of ours reaches (templates/admin/, static/css/admin.css do the rest).
{
    // An autocomplete (select2) is named by its chosen value alone, so an empty one has no
    // name, nor has the box inside it that shows the value: both are named by the field's
    // label too (templates/admin/edit_inline/tabular.html gives every inline field one).
    const nameAutocompletes = (root) => {
        for (const box of root.querySelectorAll('.select2-selection[role="combobox"]')) {
            const container = box.closest('.select2-container');
            const select = container && container.previousElementSibling;
            const label = select && select.id && document.querySelector(`label[for="${select.id}"]`);
            if (!label) {
                continue;
            }
            label.id = label.id || `${select.id}-label`;
            const names = (box.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
            if (!names.includes(label.id)) {
                box.setAttribute('aria-labelledby', [label.id, ...names].join(' '));
            }
            const shown = box.querySelector('.select2-selection__rendered[role="textbox"]');
            if (shown) {
                shown.setAttribute('aria-labelledby', label.id);
            }
        }
    };

    // The two-box selector (a user's roles) puts its filter's description on a bare <span>
    // as aria-label, which ARIA does not allow on an element without a role: the span is
    // the magnifier's icon, so it takes the role of an image.
    const nameFilterIcons = (root) => {
        for (const icon of root.querySelectorAll('.search-label-icon[aria-label]:not([role])')) {
            icon.setAttribute('role', 'img');
        }
    };

    const fix = (root) => {
        nameAutocompletes(root);
        nameFilterIcons(root);
    };
    // Django draws these on the page's load and at jQuery's ready; a row added to an
    // inline draws its own ('formset:added', heard here after Django's handlers).
    window.addEventListener('load', () => {
        fix(document);
        setTimeout(() => fix(document));
    });
    document.addEventListener('formset:added', (event) => fix(event.target));
}
